// The subject: what the user sees of the image inside the selected node (crop, fit, tile and
// rotation applied), rendered to pixels by sampling the decoded image through the sandbox's
// unit->image map. The engine sketches this; the preview shows it.
import { compose, invert, scale, type Affine } from '../common/affine.ts';
import type { ImageSource } from '../common/protocol.ts';

export interface Subject {
  source: ImageSource;
  /**
   * Straight-alpha RGBA pixels (the engine's input): transparency is kept, so a cut-out's
   * background is no subject to the engine (it composites over white itself).
   */
  image: ImageData;
  /** The same pixels over white, for drawing previews and thumbnails. */
  canvas: OffscreenCanvas;
}

/** Longest side of the rendered subject: the engine works at 224, the preview at up to 2x. */
export const SUBJECT_MAX_SIDE = 512;

export function subjectPixelSize(source: ImageSource, maxSide = SUBJECT_MAX_SIDE): { width: number; height: number } {
  const aspect = source.subjectWidth / source.subjectHeight;
  // Never upsample beyond the image's own resolution across the visible region.
  const [a, b, , d, e] = source.unitToImage;
  const visibleW = Math.hypot(a, d);
  const visibleH = Math.hypot(b, e);
  const side = Math.min(maxSide, Math.max(16, Math.ceil(Math.max(visibleW, visibleH))));
  const width = aspect >= 1 ? side : Math.max(16, Math.round(side * aspect));
  const height = aspect >= 1 ? Math.max(16, Math.round(side / aspect)) : side;
  return { width, height };
}

/** Decodes the encoded image bytes (PNG/JPEG/GIF). Throws a plain-words error when it cannot. */
export async function decodeImage(bytes: Uint8Array): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(new Blob([bytes as BlobPart]), { colorSpaceConversion: 'default', premultiplyAlpha: 'none' });
  } catch (error) {
    throw new Error(`The image could not be decoded (${(error as Error).message || 'unsupported format'}). Try a PNG or JPEG fill.`);
  }
}

/** Canvas 2D setTransform arguments for our [a, b, c, d, e, f] (x' = a x + b y + c). */
function canvasArgs(m: Affine): [number, number, number, number, number, number] {
  return [m[0], m[3], m[1], m[4], m[2], m[5]];
}

export async function renderSubject(source: ImageSource, maxSide = SUBJECT_MAX_SIDE): Promise<Subject> {
  const bitmap = await decodeImage(source.bytes);
  try {
    const { width, height } = subjectPixelSize(source, maxSide);
    const pixels = new OffscreenCanvas(width, height);
    const ctx = pixels.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('This browser cannot draw to a canvas.');
    ctx.imageSmoothingQuality = 'high';
    // Image pixels -> subject unit square -> subject canvas pixels.
    const imageToCanvas = compose(scale(width, height), invert(source.unitToImage));
    if (source.paint.scaleMode === 'TILE') {
      const pattern = ctx.createPattern(bitmap, 'repeat');
      if (!pattern) throw new Error('This browser cannot tile the image.');
      const [a, b, c, d, e, f] = canvasArgs(imageToCanvas);
      pattern.setTransform(new DOMMatrix([a, b, c, d, e, f]));
      ctx.fillStyle = pattern;
      ctx.fillRect(0, 0, width, height);
    } else {
      ctx.setTransform(...canvasArgs(imageToCanvas));
      ctx.drawImage(bitmap, 0, 0);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
    }
    const canvas = new OffscreenCanvas(width, height);
    const preview = canvas.getContext('2d');
    if (!preview) throw new Error('This browser cannot draw to a canvas.');
    preview.fillStyle = '#ffffff';
    preview.fillRect(0, 0, width, height);
    preview.drawImage(pixels, 0, 0);
    return { source, image: ctx.getImageData(0, 0, width, height), canvas };
  } finally {
    bitmap.close();
  }
}
