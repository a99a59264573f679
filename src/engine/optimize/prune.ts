// The least useful strokes of a drawing: removed one at a time, each time the stroke whose
// removal raises the clean-view loss least (greedy; after each removal every remaining
// candidate is scored again, since strokes that overlap share their use). Frozen strokes are
// never candidates. Used by `remove` (init/continue.ts) and the nested series (series.ts).
import { cleanTerms, type StrokeStyle } from '../loss/evaluate.ts';
import type { LossModel, LossWeights, TargetFeatures } from '../models/types.ts';
import type { Rasterizer } from '../raster/types.ts';

export interface PruneInput {
  model: LossModel;
  rasterizer: Rasterizer;
  /** Canvas points, N*8. */
  points: Float32Array;
  /** One flag per stroke (N): frozen strokes stay. */
  frozen?: Uint8Array;
  clean: TargetFeatures;
  weights: LossWeights;
  style: StrokeStyle;
  signal?: AbortSignal;
}

/** The points of the strokes `keep` (indices into points), in that order. */
export function selectStrokes(points: Float32Array, keep: readonly number[]): Float32Array {
  const out = new Float32Array(8 * keep.length);
  keep.forEach((s, j) => out.set(points.subarray(8 * s, 8 * s + 8), 8 * j));
  return out;
}

/**
 * The indices of the strokes kept after removing `count` of them greedily, ascending, and the
 * removed ones in the order they went with the loss after each removal.
 */
export async function pruneStrokes(
  input: PruneInput,
  count: number,
): Promise<{ keep: number[]; removed: { stroke: number; loss: number }[] }> {
  const { model, rasterizer, points, frozen, clean, weights, style } = input;
  const n = points.length / 8;
  const candidates = Array.from({ length: n }, (_, s) => s).filter((s) => !frozen?.[s]);
  if (!Number.isInteger(count) || count < 0 || count > candidates.length)
    throw new RangeError(`cannot remove ${count} of ${candidates.length} strokes that are not frozen`);
  if (count >= n) throw new RangeError(`cannot remove all ${n} strokes`);
  let keep = Array.from({ length: n }, (_, s) => s);
  const removed: { stroke: number; loss: number }[] = [];
  for (let round = 0; round < count; round++) {
    let best = -1,
      bestLoss = Infinity;
    for (const s of keep) {
      if (frozen?.[s]) continue;
      if (input.signal?.aborted) throw new Error('sketchify was aborted while removing strokes');
      const { loss } = await cleanTerms(
        model,
        rasterizer,
        selectStrokes(
          points,
          keep.filter((k) => k !== s),
        ),
        clean,
        weights,
        style,
      );
      if (loss < bestLoss) [best, bestLoss] = [s, loss];
    }
    if (best < 0) throw new Error(`no stroke left to remove: every loss was ${bestLoss}`);
    keep = keep.filter((k) => k !== best);
    removed.push({ stroke: best, loss: bestLoss });
  }
  return { keep, removed };
}
