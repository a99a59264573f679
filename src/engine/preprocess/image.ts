// The engine's image type (what ImageData and decoders provide) and its checks.
import { MAX_IMAGE_SIDE, MIN_IMAGE_SIDE } from '../../common/limits.ts';

export interface RgbaImage {
  width: number;
  height: number;
  /** width*height*4 bytes, row-major RGBA, straight (non-premultiplied) alpha. */
  data: Uint8Array | Uint8ClampedArray;
}

/** Throws a specific error for images the engine cannot use. */
export function validateImage(image: RgbaImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`image size must be positive integers, got ${width}x${height}`);
  }
  if (width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE) {
    throw new Error(`image is ${width}x${height}: each side must be at least ${MIN_IMAGE_SIDE} px`);
  }
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw new Error(`image is ${width}x${height}: each side must be at most ${MAX_IMAGE_SIDE} px`);
  }
  if (!data || data.length !== width * height * 4) {
    throw new Error(`image data has ${data?.length ?? 0} bytes, expected width*height*4 = ${width * height * 4}`);
  }
}
