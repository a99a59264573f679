// Large images shrunk to the engine's working size, and images with nothing to sketch. Both
// look at the image as the engine will: alpha composited over white.
import { areaWeights } from './preprocess.ts';
import type { RgbaImage } from './image.ts';

/**
 * The image area-resampled (box filter) so its longer side is at most `maxSide`; the same
 * object when it already fits. Averages premultiplied colour, so fully transparent pixels
 * (whose RGB is arbitrary) do not tint their neighbours.
 */
export function downscaleToFit(image: RgbaImage, maxSide: number): RgbaImage {
  const { width: w, height: h, data } = image;
  const f = maxSide / Math.max(w, h);
  if (f >= 1) return image;
  const ow = Math.max(1, Math.round(w * f)),
    oh = Math.max(1, Math.round(h * f));
  const wx = areaWeights(ow, w, 0, w),
    wy = areaWeights(oh, h, 0, h);
  // One output row at a time from the source rows it overlaps: memory is the output plus one
  // row of floats, never a second full-size buffer.
  const out = new Uint8Array(ow * oh * 4);
  const acc = new Float64Array(ow * 4);
  for (let j = 0; j < oh; j++) {
    acc.fill(0);
    for (let k = 0; k < wy.count[j]; k++) {
      const y = wy.start[j] + k,
        wyk = wy.weights[j][k];
      for (let i = 0; i < ow; i++) {
        const ws = wx.weights[i];
        let r = 0,
          g = 0,
          b = 0,
          a = 0;
        for (let m = 0; m < wx.count[i]; m++) {
          const p = (y * w + wx.start[i] + m) * 4,
            wa = ws[m] * data[p + 3];
          r += wa * data[p];
          g += wa * data[p + 1];
          b += wa * data[p + 2];
          a += wa;
        }
        acc[4 * i] += wyk * r;
        acc[4 * i + 1] += wyk * g;
        acc[4 * i + 2] += wyk * b;
        acc[4 * i + 3] += wyk * a;
      }
    }
    for (let i = 0; i < ow; i++) {
      const o = (j * ow + i) * 4,
        a = acc[4 * i + 3];
      if (a > 0) for (let c = 0; c < 3; c++) out[o + c] = Math.round(acc[4 * i + c] / a);
      out[o + 3] = Math.round(a);
    }
  }
  return { width: ow, height: oh, data: out };
}

/** Luminance spread (standard deviation, 0-255 scale) below which an image counts as one colour. */
export const UNIFORM_LUMINANCE_STD = 1;

/**
 * Why the engine cannot sketch this image, or null when it can: fully transparent, or one
 * uniform colour once composited over white (nothing for the strokes to follow). A single
 * 1 px line across a 1000 px photo still has a spread of ~8, far above the threshold.
 */
export function blankImageReason(image: RgbaImage): string | null {
  const { width: w, height: h, data } = image;
  const n = w * h;
  // A strided sample of at most ~1M pixels is enough for a mean and a spread.
  const step = Math.max(1, Math.floor(n / 1_000_000));
  let count = 0,
    opaque = 0,
    sum = 0,
    sumSq = 0;
  for (let i = 0; i < n; i += step) {
    const p = i * 4,
      alpha = data[p + 3] / 255;
    const lum = 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
    const v = lum * alpha + 255 * (1 - alpha);
    if (data[p + 3] > 0) opaque++;
    count++;
    sum += v;
    sumSq += v * v;
  }
  if (opaque === 0) return 'the image is fully transparent: there is nothing to sketch';
  const mean = sum / count;
  const std = Math.sqrt(Math.max(0, sumSq / count - mean * mean));
  if (std < UNIFORM_LUMINANCE_STD) return 'the image is blank (one uniform colour): there is nothing to sketch';
  return null;
}
