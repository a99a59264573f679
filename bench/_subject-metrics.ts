// What a viewer sees of a sketch against a ground-truth subject mask (evaluation only; the
// engine never sees the mask): how much of the ink lies on the subject, how much hugs the image
// frame, and random strokes of the same lengths as a control.
import { chamferDistance, evalCubic, type Random } from '../src/engine/index.ts';

/** A binary mask over the input image (1 = subject), row-major. */
export interface ImageMask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Points along every stroke (input image px, N*8 control points), each with the arc length it stands for. */
export function sampleInk(points: ArrayLike<number>, perStroke = 64): { x: Float64Array; y: Float64Array; length: Float64Array } {
  const n = Math.floor(points.length / 8);
  const x = new Float64Array(n * perStroke),
    y = new Float64Array(n * perStroke),
    length = new Float64Array(n * perStroke);
  for (let s = 0; s < n; s++) {
    let [px, py] = evalCubic(points, s, 0);
    for (let i = 0; i < perStroke; i++) {
      const [qx, qy] = evalCubic(points, s, (i + 1) / perStroke);
      const k = s * perStroke + i;
      x[k] = (px + qx) / 2;
      y[k] = (py + qy) / 2;
      length[k] = Math.hypot(qx - px, qy - py);
      [px, py] = [qx, qy];
    }
  }
  return { x, y, length };
}

/** Euclidean-ish distance (3-4 chamfer, in px) from every pixel to the nearest mask pixel. */
export function distanceToSubject(mask: ImageMask): Float32Array {
  return chamferDistance(mask.data, mask.width, mask.height, 4 / 3);
}

/** Fraction of the ink (by arc length) within `dilate` (fraction of the longer side) of the subject. */
export function inkOnSubject(points: ArrayLike<number>, mask: ImageMask, dilate = 0.03, distance = distanceToSubject(mask)): number {
  const { x, y, length } = sampleInk(points);
  const r = dilate * Math.max(mask.width, mask.height);
  let on = 0,
    total = 0;
  for (let i = 0; i < x.length; i++) {
    total += length[i];
    const px = Math.min(mask.width - 1, Math.max(0, Math.floor(x[i]))),
      py = Math.min(mask.height - 1, Math.max(0, Math.floor(y[i])));
    const inside = x[i] >= 0 && y[i] >= 0 && x[i] < mask.width && y[i] < mask.height;
    if (inside && distance[py * mask.width + px] <= r) on += length[i];
  }
  return total > 0 ? on / total : 0;
}

/** Fraction of the ink within `band` (fraction of the longer side) of the image frame, or outside it. */
export function frameInk(points: ArrayLike<number>, width: number, height: number, band = 0.02): number {
  const { x, y, length } = sampleInk(points);
  const b = band * Math.max(width, height);
  let near = 0,
    total = 0;
  for (let i = 0; i < x.length; i++) {
    total += length[i];
    if (Math.min(x[i], y[i], width - x[i], height - y[i]) <= b) near += length[i];
  }
  return total > 0 ? near / total : 0;
}

/** Does the subject come within `band` (fraction of the longer side) of the frame? */
export function touchesFrame(mask: ImageMask, band = 0.01): boolean {
  const b = Math.max(1, Math.round(band * Math.max(mask.width, mask.height)));
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) {
      if (mask.data[y * mask.width + x] && (x < b || y < b || x >= mask.width - b || y >= mask.height - b)) return true;
    }
  }
  return false;
}

/**
 * The control: each stroke of a sketch moved to a random place in a w x h frame and turned by a
 * random angle, so lengths and curvature match the sketch's and only the placement is random.
 */
export function randomPlacement(points: ArrayLike<number>, width: number, height: number, random: Random): Float32Array {
  const out = new Float32Array(points.length);
  for (let s = 0; s < points.length / 8; s++) {
    let cx = 0,
      cy = 0;
    for (let j = 0; j < 4; j++) {
      cx += points[s * 8 + 2 * j] / 4;
      cy += points[s * 8 + 2 * j + 1] / 4;
    }
    const angle = 2 * Math.PI * random(),
      cos = Math.cos(angle),
      sin = Math.sin(angle);
    const tx = width * random(),
      ty = height * random();
    for (let j = 0; j < 4; j++) {
      const dx = points[s * 8 + 2 * j] - cx,
        dy = points[s * 8 + 2 * j + 1] - cy;
      out[s * 8 + 2 * j] = tx + cos * dx - sin * dy;
      out[s * 8 + 2 * j + 1] = ty + sin * dx + cos * dy;
    }
  }
  return out;
}
