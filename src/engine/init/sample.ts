// Start points for the strokes: a softmax (temperature 0.3) over the saliency x edge map,
// sampled without replacement with a minimum spacing (the prototype's strokes clumped on the
// strongest edge); each stroke then grows by a small random walk, as in CLIPasso.
import { contentMask, type CanvasMap } from '../preprocess/preprocess.ts';
import type { Random } from '../random.ts';
import { strokesAlong } from './contour.ts';
import { XDOG_DEFAULTS } from './xdog.ts';

export const INIT_TEMPERATURE = 0.3;
/** Each next control point = previous + WALK * size * (U - 0.5) per axis. */
export const WALK = 0.05;

/**
 * Margin (canvas px) kept free of start points along content sides that border the white
 * padding of a non-square image. The step from photo to padding is an edge to XDoG (its wide
 * blur, sigma*k = 8 px, inks a band up to 9 px deep on the dark side, measured) and to the
 * saliency, so without it strokes start on, and then trace, the frame of the photo.
 */
export const PADDING_MARGIN = Math.ceil(1.5 * XDOG_DEFAULTS.sigma * XDOG_DEFAULTS.k);

/** Where strokes may start: the content minus PADDING_MARGIN along padded sides (preprocess map). */
export function startRegion(map: CanvasMap, margin = PADDING_MARGIN): Float32Array {
  return contentMask(map, margin);
}

/**
 * Sampling probabilities (sum 1) over size*size pixels: softmax(v / temperature) over the
 * pixels where v = saliency * edges * allowed is nonzero. Falls back to the saliency alone,
 * then to uniform (both still within `allowed`), then to the whole canvas, when fewer than
 * `minPixels` pixels are nonzero (blank or edgeless images, a sliver of content).
 */
export function startDistribution(
  saliency: Float32Array,
  edges: Float32Array,
  minPixels: number,
  allowed?: Float32Array,
  temperature = INIT_TEMPERATURE,
): Float64Array {
  if (saliency.length !== edges.length) throw new Error(`saliency (${saliency.length}) and edges (${edges.length}) differ in size`);
  if (allowed && allowed.length !== edges.length)
    throw new Error(`allowed region (${allowed.length}) and edges (${edges.length}) differ in size`);
  const inside = allowed ?? new Float32Array(saliency.length).fill(1);
  const candidates = [
    saliency.map((s, i) => s * edges[i] * inside[i]),
    saliency.map((s, i) => s * inside[i]),
    inside,
    new Float32Array(saliency.length).fill(1),
  ];
  for (const v of candidates) {
    let nonzero = 0,
      max = -Infinity;
    for (const x of v) {
      if (x > 0) {
        nonzero++;
        if (x > max) max = x;
      }
    }
    if (nonzero < minPixels) continue;
    const p = new Float64Array(v.length);
    let sum = 0;
    for (let i = 0; i < v.length; i++) if (v[i] > 0) sum += p[i] = Math.exp((v[i] - max) / temperature);
    for (let i = 0; i < p.length; i++) p[i] /= sum;
    return p;
  }
  throw new Error(`cannot sample ${minPixels} start points from ${saliency.length} pixels`);
}

/** Zeroes the weight of every pixel within `radius` of (x, y). */
function suppress(weights: Float64Array, size: number, x: number, y: number, radius: number): void {
  const r2 = radius * radius;
  const x0 = Math.max(0, Math.floor(x - radius)),
    x1 = Math.min(size - 1, Math.ceil(x + radius));
  const y0 = Math.max(0, Math.floor(y - radius)),
    y1 = Math.min(size - 1, Math.ceil(y + radius));
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      if ((px + 0.5 - x) ** 2 + (py + 0.5 - y) ** 2 <= r2) weights[py * size + px] = 0;
    }
  }
}

/** Default spacing: half the side of the cell each stroke would get on a regular grid. */
export const defaultSpacing = (size: number, n: number): number => (0.5 * size) / Math.sqrt(n);

/**
 * n distinct start points (x, y in canvas pixels) drawn from `prob` without replacement, each at
 * least `spacing` px from the others; the spacing halves whenever the map runs out of room.
 */
export function sampleStartPoints(
  prob: Float64Array,
  size: number,
  n: number,
  random: Random,
  spacing = defaultSpacing(size, n),
): Float64Array {
  const out = new Float64Array(2 * n);
  let weights = Float64Array.from(prob);
  let radius = spacing;
  for (let k = 0; k < n; k++) {
    let total = weights.reduce((a, b) => a + b, 0);
    while (total <= 0) {
      // Out of room: shrink the spacing and rebuild the weights around the points so far.
      radius = radius / 2;
      weights = Float64Array.from(prob);
      for (let j = 0; j < k; j++) {
        if (radius >= 0.5) suppress(weights, size, out[2 * j], out[2 * j + 1], radius);
        else weights[Math.floor(out[2 * j + 1]) * size + Math.floor(out[2 * j])] = 0;
      }
      total = weights.reduce((a, b) => a + b, 0);
      if (total <= 0 && radius < 0.5) throw new Error(`only ${k} of ${n} start points fit the sampling map`);
    }
    let u = random() * total;
    let pixel = weights.length - 1;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0 && weights[i] > 0) {
        pixel = i;
        break;
      }
    }
    while (weights[pixel] <= 0) pixel--; // rounding at the very end of the cumulative sum
    const x = (pixel % size) + random(),
      y = Math.floor(pixel / size) + random();
    out[2 * k] = x;
    out[2 * k + 1] = y;
    weights[pixel] = 0;
    if (radius >= 0.5) suppress(weights, size, x, y, radius);
  }
  return out;
}

/** N strokes x 4 control points (N*8, canvas pixels): each start point plus a short random walk. */
export function growStrokes(starts: Float64Array, size: number, random: Random, walk = WALK): Float32Array {
  const n = starts.length / 2;
  const points = new Float32Array(n * 8);
  for (let s = 0; s < n; s++) {
    let x = starts[2 * s],
      y = starts[2 * s + 1];
    for (let c = 0; c < 4; c++) {
      if (c > 0) {
        x += walk * size * (random() - 0.5);
        y += walk * size * (random() - 0.5);
      }
      points[s * 8 + 2 * c] = x;
      points[s * 8 + 2 * c + 1] = y;
    }
  }
  return points;
}

/**
 * One seed's initial strokes (N*8): the first `onOutline` as arcs along `outline` from a random
 * phase (the subject's gesture), the rest started from `prob` and grown by short random walks.
 */
export function initialStrokes(
  prob: Float64Array,
  size: number,
  n: number,
  random: Random,
  outline: Float64Array | null,
  onOutline: number,
): Float32Array {
  const points = new Float32Array(8 * n);
  if (outline && onOutline > 0) points.set(strokesAlong(outline, onOutline, random()));
  const rest = outline ? n - onOutline : n;
  if (rest > 0) points.set(growStrokes(sampleStartPoints(prob, size, rest, random), size, random), 8 * (n - rest));
  return points;
}

/** n strokes of the same kind placed uniformly at random (the evaluation's control baseline). */
export function randomStrokes(size: number, n: number, random: Random, walk = WALK): Float32Array {
  const starts = new Float64Array(2 * n);
  for (let i = 0; i < starts.length; i++) starts[i] = random() * size;
  return growStrokes(starts, size, random, walk);
}
