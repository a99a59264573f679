// Image files -> RGBA for the engine. Format by magic bytes (never by extension); the size is
// read from the header first so a huge image is refused before it is decoded, and a large
// one is downscaled to the engine's working size right after decoding.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { blankImageReason, downscaleToFit, type RgbaImage } from '../engine/index.ts';
import { MAX_DECODE_PIXELS, MAX_IMAGE_BYTES, MAX_IMAGE_SIDE, MIN_IMAGE_SIDE } from '../common/limits.ts';

export type ImageFormat = 'png' | 'jpeg';

const SIGNATURES: { name: string; bytes: number[]; supported?: ImageFormat }[] = [
  { name: 'PNG', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], supported: 'png' },
  { name: 'JPEG', bytes: [0xff, 0xd8, 0xff], supported: 'jpeg' },
  { name: 'GIF', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'BMP', bytes: [0x42, 0x4d] },
  { name: 'TIFF', bytes: [0x49, 0x49, 0x2a, 0x00] },
  { name: 'TIFF', bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { name: 'WebP', bytes: [0x52, 0x49, 0x46, 0x46] },
];

export class ImageDecodeError extends Error {}

export function detectFormat(bytes: Uint8Array): ImageFormat {
  for (const sig of SIGNATURES) {
    if (bytes.length >= sig.bytes.length && sig.bytes.every((b, i) => bytes[i] === b)) {
      if (sig.supported) return sig.supported;
      throw new ImageDecodeError(`unsupported image format ${sig.name}: use PNG or JPEG`);
    }
  }
  if (bytes.length === 0) throw new ImageDecodeError('the file is empty');
  throw new ImageDecodeError('not a PNG or JPEG file (unrecognized header)');
}

/** Width and height from the header, or null when the header is cut short. */
export function headerSize(bytes: Uint8Array, format: ImageFormat): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'png') return bytes.length >= 24 ? { width: view.getUint32(16), height: view.getUint32(20) } : null;
  // JPEG: walk the marker segments to the first start-of-frame (SOF0-15 except DHT C4, JPG C8, DAC CC).
  let o = 2;
  while (o + 9 < bytes.length) {
    if (bytes[o] !== 0xff) return null;
    const marker = bytes[o + 1];
    if (marker === 0xff) {
      o++;
      continue;
    }
    const length = view.getUint16(o + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(o + 5), width: view.getUint16(o + 7) };
    }
    o += 2 + length;
  }
  return null;
}

function checkSize(width: number, height: number): void {
  if (width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE)
    throw new ImageDecodeError(`image is ${width}x${height}: each side must be at least ${MIN_IMAGE_SIDE} px`);
  if (width * height > MAX_DECODE_PIXELS) {
    throw new ImageDecodeError(
      `image is ${width}x${height} (${Math.round((width * height) / 1e6)} megapixels): at most ${MAX_DECODE_PIXELS / 1e6} megapixels can be read; use a smaller copy`,
    );
  }
  // Downscaled to MAX_IMAGE_SIDE, the short side must still hold something.
  const f = Math.min(1, MAX_IMAGE_SIDE / Math.max(width, height));
  if (Math.min(width, height) * f < MIN_IMAGE_SIDE) throw new ImageDecodeError(`image is ${width}x${height}: too long and thin to sketch`);
}

function decodePixels(bytes: Uint8Array, format: ImageFormat): RgbaImage {
  if (format === 'png') {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
  }
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxMemoryUsageInMB: 2048 });
  return { width: img.width, height: img.height, data: img.data };
}

/** What the engine sketches (at most MAX_IMAGE_SIDE a side), and the file's own size. */
export interface DecodedImage extends RgbaImage {
  /** The file's size: the SVG's viewBox, so the sketch overlays the original image. */
  sourceWidth: number;
  sourceHeight: number;
}

/**
 * The image at the engine's working size, or an ImageDecodeError in plain words. The
 * decoders' own messages (pngjs: "waitng on finished stream", jpeg-js: "SOI not found") mean
 * nothing to a user, so every decoder failure is reported as a damaged file.
 */
export function decodeImage(bytes: Uint8Array): DecodedImage {
  if (bytes.length > MAX_IMAGE_BYTES)
    throw new ImageDecodeError(`the file is ${Math.round(bytes.length / 2 ** 20)} MB: at most ${MAX_IMAGE_BYTES / 2 ** 20} MB can be read`);
  const format = detectFormat(bytes);
  const size = headerSize(bytes, format);
  if (!size) throw new ImageDecodeError(`corrupt ${format.toUpperCase()} file: no readable image header`);
  checkSize(size.width, size.height);
  let full: RgbaImage;
  try {
    full = decodePixels(bytes, format);
  } catch {
    throw new ImageDecodeError(`corrupt ${format.toUpperCase()} file: it is cut short or damaged, so it cannot be decoded`);
  }
  const image = downscaleToFit(full, MAX_IMAGE_SIDE);
  const blank = blankImageReason(image);
  if (blank) throw new ImageDecodeError(blank);
  return { ...image, sourceWidth: full.width, sourceHeight: full.height };
}
