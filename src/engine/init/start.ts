// Each seed's starting strokes for a fresh sketch: the first ones as arcs along the subject's
// outline (its gesture), the rest sampled from saliency x edges and grown by short random
// walks (sample.ts), all clamped into the content box. A continued sketch starts from given
// strokes instead (continue.ts).
import { clampPoints, type ClampBox } from '../optimize/clamp.ts';
import { createRandom } from '../random.ts';
import { outlineStrokeCount, traceOutline } from './contour.ts';
import { initialStrokes, startDistribution } from './sample.ts';

export interface FreshInput {
  saliency: Float32Array;
  edges: Float32Array;
  /** Where strokes may start (sample.ts startRegion). */
  region: Float32Array;
  /** The subject map when a subject was found (its outline seeds strokes), else null. */
  subjectMask: Float32Array | null;
  size: number;
  strokes: number;
  seeds: number;
  /** Base random seed: seed s draws from createRandom(seed + s). */
  seed: number;
  box: ClampBox;
}

export function freshStrokes({ saliency, edges, region, subjectMask, size, strokes, seeds, seed, box }: FreshInput): Float32Array[] {
  const prob = startDistribution(saliency, edges, strokes, region);
  const traced = subjectMask ? traceOutline(subjectMask, size) : null;
  const outline = traced && traced.length >= 16 ? traced : null;
  const onOutline = outline ? outlineStrokeCount(strokes) : 0;
  return Array.from({ length: seeds }, (_, s) => {
    const points = initialStrokes(prob, size, strokes, createRandom(seed + s), outline, onOutline);
    clampPoints(points, box);
    return points;
  });
}
