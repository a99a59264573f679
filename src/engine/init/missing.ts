// Where a drawing misses its subject: the start map of a fresh sketch (saliency x edges of the
// subject, sample.ts startDistribution) with what the current strokes already draw taken out.
// Strokes added to a drawing start there, sampled and grown exactly as fresh ones.
import type { Random } from '../random.ts';
import { growStrokes, sampleStartPoints, startDistribution } from './sample.ts';
import { WALK } from './sample.ts';

/** Ink above this (1 - paper) counts as drawn. */
const INK = 0.5;

/**
 * Distance (canvas px, 8-connected chamfer 1 / sqrt 2) from each pixel to the nearest pixel
 * whose ink exceeds INK; Infinity everywhere when nothing is drawn.
 */
export function distanceToInk(rendered: Float32Array, size: number): Float32Array {
  const d = new Float32Array(size * size).fill(Infinity);
  for (let i = 0; i < d.length; i++) if (1 - rendered[i] > INK) d[i] = 0;
  const diag = Math.SQRT2;
  const relax = (i: number, j: number, w: number): void => {
    if (d[j] + w < d[i]) d[i] = d[j] + w;
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      if (x > 0) relax(i, i - 1, 1);
      if (y > 0) {
        relax(i, i - size, 1);
        if (x > 0) relax(i, i - size - 1, diag);
        if (x < size - 1) relax(i, i - size + 1, diag);
      }
    }
  }
  for (let y = size - 1; y >= 0; y--) {
    for (let x = size - 1; x >= 0; x--) {
      const i = y * size + x;
      if (x < size - 1) relax(i, i + 1, 1);
      if (y < size - 1) {
        relax(i, i + size, 1);
        if (x < size - 1) relax(i, i + size + 1, diag);
        if (x > 0) relax(i, i + size - 1, diag);
      }
    }
  }
  return d;
}

/**
 * How much each pixel is left undrawn, in [0, 1]: 0 on the strokes, rising linearly to 1 at
 * `reach` px from them (default: a stroke's own extent, about 3 random-walk steps).
 */
export function undrawn(rendered: Float32Array, size: number, reach = 3 * WALK * size): Float32Array {
  const d = distanceToInk(rendered, size);
  return d.map((v) => Math.min(1, v / reach));
}

export interface MissingInput {
  /** The clean render of the current drawing (1 = paper). */
  rendered: Float32Array;
  saliency: Float32Array;
  edges: Float32Array;
  /** Where strokes may start (sample.ts startRegion). */
  region: Float32Array;
  size: number;
}

/** Sampling probabilities of start points for strokes added to the drawing (sum 1). */
export function missingDistribution(input: MissingInput, count: number): Float64Array {
  const { rendered, saliency, edges, region, size } = input;
  const free = undrawn(rendered, size);
  return startDistribution(saliency, edges, count, region.map((r, i) => r * free[i]));
}

/** `count` new strokes (count*8, canvas px) started where the drawing misses the subject most. */
export function missingStrokes(input: MissingInput, count: number, random: Random): Float32Array {
  const prob = missingDistribution(input, count);
  return growStrokes(sampleStartPoints(prob, input.size, count, random), input.size, random);
}
