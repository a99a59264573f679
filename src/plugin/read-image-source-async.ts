// Reads what the UI needs to sketch one image node: the original bytes, the pixel size and
// where the paint puts them in the node, or a specific reason it cannot be sketched.

import { computePaintLayout } from '../common/paint-geometry.ts';
import { MAX_IMAGE_BYTES, MAX_IMAGE_SIDE, MIN_IMAGE_SIDE } from '../common/limits.ts';
import type { ImageSource, ProblemCode } from '../common/protocol.ts';
import { displayName } from './display-name.ts';

export type ImageSourceResult = { ok: true; source: ImageSource } | { ok: false; code: ProblemCode; message: string };

export async function readImageSourceAsync(node: SceneNode & LayoutMixin, paint: ImagePaint): Promise<ImageSourceResult> {
  const name = displayName(node);
  const image = paint.imageHash ? figma.getImageByHash(paint.imageHash) : null;
  if (!image) return { ok: false, code: 'unavailable', message: `The image in ${name} is not available in this file.` };
  let size: { width: number; height: number };
  let bytes: Uint8Array;
  try {
    size = await image.getSizeAsync();
    if (Math.max(size.width, size.height) > MAX_IMAGE_SIDE) {
      return {
        ok: false,
        code: 'too-large',
        message: `The image in ${name} is ${size.width} × ${size.height} px; Sketchify reads up to ${MAX_IMAGE_SIDE} px per side. Use a smaller copy.`,
      };
    }
    if (Math.min(size.width, size.height) < MIN_IMAGE_SIDE) {
      return {
        ok: false,
        code: 'too-small',
        message: `The image in ${name} is ${size.width} × ${size.height} px; it needs at least ${MIN_IMAGE_SIDE} px per side.`,
      };
    }
    bytes = await image.getBytesAsync();
  } catch (e) {
    return { ok: false, code: 'unavailable', message: `The image in ${name} could not be read: ${(e as Error).message}`.slice(0, 300) };
  }
  if (bytes.byteLength > MAX_IMAGE_BYTES) {
    return {
      ok: false,
      code: 'too-large',
      message: `The image file in ${name} is ${(bytes.byteLength / 2 ** 20).toFixed(0)} MB; Sketchify reads up to ${MAX_IMAGE_BYTES / 2 ** 20} MB.`,
    };
  }
  if (node.width < 1 || node.height < 1) {
    return { ok: false, code: 'too-small', message: `${name} is under 1 px on the canvas; resize it to sketch it.` };
  }
  const paintGeometry = {
    scaleMode: paint.scaleMode,
    rotation: paint.rotation ?? 0,
    scalingFactor: paint.scalingFactor ?? 1,
    imageTransform:
      paint.scaleMode === 'CROP' && paint.imageTransform ? ([...paint.imageTransform[0], ...paint.imageTransform[1]] as const) : undefined,
  };
  let layout: ReturnType<typeof computePaintLayout>;
  try {
    layout = computePaintLayout(paintGeometry, size, node);
  } catch (e) {
    return { ok: false, code: 'unavailable', message: `The image placement in ${name} is unusable: ${(e as Error).message}`.slice(0, 300) };
  }
  return {
    ok: true,
    source: {
      nodeId: node.id,
      nodeName: node.name.slice(0, 1000),
      bytes,
      imageWidth: size.width,
      imageHeight: size.height,
      nodeWidth: node.width,
      nodeHeight: node.height,
      paint: paintGeometry,
      subjectWidth: layout.subject.width,
      subjectHeight: layout.subject.height,
      unitToImage: layout.unitToImage,
    },
  };
}
