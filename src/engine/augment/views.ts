// Augmented views (CLIPasso's, docs/design.md "CLIPasso parameters"): RandomPerspective(distortion 0.5) then
// RandomResizedCrop(size, scale [0.8, 1], ratio 1), as one canvas -> view homography. A pool
// is drawn once per run; the target is warped by pixels (bilinear, white outside) while the
// sketch is warped exactly by mapping its geometry in the rasterizer.
import { det3, multiplyMat3, squareToQuad, type Mat3 } from '../geometry/projective.ts';
import { uniform, type Random } from '../random.ts';

export interface ViewParams {
  distortion: number;
  scaleMin: number;
  scaleMax: number;
}

export const VIEW_DEFAULTS: Readonly<ViewParams> = { distortion: 0.5, scaleMin: 0.8, scaleMax: 1 };

/** Canvas corners moved inward by up to distortion * size / 2 per axis: TL, TR, BR, BL (x, y). */
export function perspectiveCorners(size: number, distortion: number, random: Random): number[] {
  const m = (distortion * size) / 2;
  const inX = (edge: number) => (edge === 0 ? uniform(random, 0, m) : size - uniform(random, 0, m));
  const inY = inX;
  return [inX(0), inY(0), inX(size), inY(0), inX(size), inY(size), inX(0), inY(size)];
}

/** The map taking the crop square [x0, x0+side] x [y0, y0+side] onto [0, size]^2. */
export function cropMatrix(size: number, x0: number, y0: number, side: number): number[] {
  const s = size / side;
  return [s, 0, -x0 * s, 0, s, -y0 * s, 0, 0, 1];
}

export interface ViewParts {
  /** Where the canvas corners go under the perspective (TL, TR, BR, BL). */
  corners: number[];
  /** The crop square, in perspective-warped canvas pixels. */
  x0: number;
  y0: number;
  side: number;
  /** canvas -> view: the perspective, then the crop resized to the canvas. */
  matrix: number[];
}

/** One random view: the perspective (canvas corners -> inner quad) followed by the crop. */
export function randomViewParts(size: number, random: Random, p: ViewParams = VIEW_DEFAULTS): ViewParts {
  const corners = perspectiveCorners(size, p.distortion, random);
  const side = size * Math.sqrt(uniform(random, p.scaleMin, p.scaleMax));
  const x0 = uniform(random, 0, size - side),
    y0 = uniform(random, 0, size - side);
  return { corners, x0, y0, side, matrix: multiplyMat3(cropMatrix(size, x0, y0, side), squareToQuad(size, corners)) };
}

export const randomView = (size: number, random: Random, p: ViewParams = VIEW_DEFAULTS): number[] =>
  randomViewParts(size, random, p).matrix;

/** `count` views, 9 numbers each (row-major), for RasterScene.views. */
export function viewPool(size: number, count: number, random: Random, p: ViewParams = VIEW_DEFAULTS): Float32Array {
  const out = new Float32Array(9 * count);
  for (let i = 0; i < count; i++) out.set(randomView(size, random, p), 9 * i);
  return out;
}

export function invert3(h: Mat3): number[] {
  const d = det3(h);
  if (!Number.isFinite(d) || Math.abs(d) < 1e-12) throw new Error('view matrix is singular');
  const [a, b, c, e, f, g, k, l, m] = Array.from(h);
  return [
    (f * m - g * l) / d,
    (c * l - b * m) / d,
    (b * g - c * f) / d,
    (g * k - e * m) / d,
    (a * m - c * k) / d,
    (c * e - a * g) / d,
    (e * l - f * k) / d,
    (b * k - a * l) / d,
    (a * f - b * e) / d,
  ];
}

/**
 * Warps a CHW image (channels x size x size) by the canvas -> view map `h`: each view pixel
 * centre is pulled back through h^-1 and sampled bilinearly; outside the canvas is white (1).
 */
export function warpImage(image: Float32Array, channels: number, size: number, h: Mat3): Float32Array {
  const inv = invert3(h);
  const plane = size * size;
  const out = new Float32Array(channels * plane);
  const at = (c: number, x: number, y: number): number => (x < 0 || y < 0 || x >= size || y >= size ? 1 : image[c * plane + y * size + x]);
  for (let vy = 0; vy < size; vy++) {
    for (let vx = 0; vx < size; vx++) {
      const qx = vx + 0.5,
        qy = vy + 0.5;
      const w = inv[6] * qx + inv[7] * qy + inv[8];
      const px = (inv[0] * qx + inv[1] * qy + inv[2]) / w - 0.5;
      const py = (inv[3] * qx + inv[4] * qy + inv[5]) / w - 0.5;
      const x0 = Math.floor(px),
        y0 = Math.floor(py);
      const fx = px - x0,
        fy = py - y0;
      for (let c = 0; c < channels; c++) {
        const top = at(c, x0, y0) * (1 - fx) + at(c, x0 + 1, y0) * fx;
        const bottom = at(c, x0, y0 + 1) * (1 - fx) + at(c, x0 + 1, y0 + 1) * fx;
        out[c * plane + vy * size + vx] = w > 0 ? top * (1 - fy) + bottom * fy : 1;
      }
    }
  }
  return out;
}
