// --png: the sketch rendered black on white at the input image's size (at most MAX_PNG_SIDE
// a side), with the same rasterizer the optimizer used.
import { PNG } from 'pngjs';
import { createCpuRasterizer, IDENTITY_VIEW, type SketchResult } from '../engine/index.ts';

export const MAX_PNG_SIDE = 2048;

export async function renderSketchPng(result: Pick<SketchResult, 'points' | 'width' | 'imageWidth' | 'imageHeight'>): Promise<Uint8Array> {
  const f = Math.min(1, MAX_PNG_SIDE / Math.max(result.imageWidth, result.imageHeight));
  const w = Math.max(1, Math.round(result.imageWidth * f)),
    h = Math.max(1, Math.round(result.imageHeight * f));
  const side = Math.max(w, h);
  const points = result.points.map((v) => v * f);
  const gray = await createCpuRasterizer().forward({
    points,
    views: Float32Array.from(IDENTITY_VIEW),
    size: side,
    width: Math.max(0.5, result.width * f),
  });
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = Math.round(gray[y * side + x] * 255);
      png.data.set([v, v, v, 255], 4 * (y * w + x));
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}
