// Where a drawing misses its subject: the subject's edges (XDoG of the subject image, as a
// fresh sketch's start map, sample.ts) that the current strokes leave undrawn, most where much
// is missing together. Strokes added to a drawing start there, sampled with spacing and grown
// by the same short random walks as fresh ones.
import type { Random } from '../random.ts';
import { defaultSpacing, growStrokes, sampleStartPoints, startDistribution, WALK } from './sample.ts';
import { chamferDistance } from '../subject/grid.ts';
import { gaussianBlur } from './xdog.ts';

/** Ink above this (1 - paper) counts as drawn. */
const INK = 0.5;

/**
 * Distance (canvas px, 8-connected chamfer 1 / sqrt 2) from each pixel to the nearest pixel
 * whose ink exceeds INK; Infinity everywhere when nothing is drawn.
 */
export function distanceToInk(rendered: Float32Array, size: number): Float32Array {
  return chamferDistance(
    Uint8Array.from(rendered, (paper) => (1 - paper > INK ? 1 : 0)),
    size,
    size,
  );
}

/**
 * How much each pixel is left undrawn, in [0, 1]: 0 on the strokes, rising linearly to 1 at
 * `reach` px from them (default: two random-walk steps, a short stroke's extent).
 */
export function undrawn(rendered: Float32Array, size: number, reach = 2 * WALK * size): Float32Array {
  const d = distanceToInk(rendered, size);
  return d.map((v) => Math.min(1, v / reach));
}

/**
 * Softmax temperature over the missing map scaled to [0, 1]: low, so strokes go where the most
 * is missing first (a region twice as missing is e^5 = 150 times likelier) and the start points'
 * spacing (sample.ts) sends the next ones to the next such region.
 */
export const MISSING_TEMPERATURE = 0.1;

export interface MissingInput {
  /** The clean render of the current drawing (1 = paper). */
  rendered: Float32Array;
  saliency: Float32Array;
  edges: Float32Array;
  /** Where strokes may start (sample.ts startRegion). */
  region: Float32Array;
  size: number;
  /** Strokes of the whole drawing (kept + added): start points are spaced as for a fresh sketch of as many. */
  total: number;
}

/**
 * Sampling probabilities of start points for strokes added to the drawing (sum 1): the
 * subject's edges left undrawn, weighted by how much undrawn edge lies around (a Gaussian of a
 * random-walk step: a whole missing leg outweighs a gap between two strokes) and, mildly, by
 * saliency. Too few such pixels (everything drawn): the fresh-sketch map times undrawn.
 */
export function missingDistribution(input: MissingInput, count: number): Float64Array {
  const { rendered, saliency, edges, region, size } = input;
  const free = undrawn(rendered, size);
  const missing = edges.map((e, i) => e * region[i] * free[i]);
  const around = gaussianBlur(missing, size, WALK * size);
  const v = missing.map((m, i) => m * around[i] * (0.5 + 0.5 * saliency[i]));
  let max = 0,
    nonzero = 0;
  for (const x of v) {
    if (x > 0) nonzero++;
    if (x > max) max = x;
  }
  if (nonzero < count)
    return startDistribution(
      saliency,
      edges,
      count,
      region.map((r, i) => r * free[i]),
    );
  const p = new Float64Array(v.length);
  let sum = 0;
  for (let i = 0; i < v.length; i++) if (v[i] > 0) sum += p[i] = Math.exp((v[i] / max - 1) / MISSING_TEMPERATURE);
  for (let i = 0; i < p.length; i++) p[i] /= sum;
  return p;
}

/** `count` new strokes (count*8, canvas px) started where the drawing misses the subject most. */
export function missingStrokes(input: MissingInput, count: number, random: Random): Float32Array {
  const prob = missingDistribution(input, count);
  const spacing = defaultSpacing(input.size, Math.max(count, input.total));
  return growStrokes(sampleStartPoints(prob, input.size, count, random, spacing), input.size, random);
}
