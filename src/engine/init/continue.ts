// Starting from given strokes (options.initial): map them from image pixels onto the canvas,
// remove the least useful ones (optimize/prune.ts), add new ones where the drawing misses the
// subject (missing.ts), and mark the frozen ones, which the steppers render but never move.
// Frozen strokes are reported with the caller's own numbers (no canvas round trip).
import { cleanTerms, renderClean, type StrokeStyle } from '../loss/evaluate.ts';
import { normalizeWeights, unitWeights } from '../loss/weights.ts';
import type { LossModel, LossWeights, TargetFeatures } from '../models/types.ts';
import { clampPoints, type ClampBox } from '../optimize/clamp.ts';
import { pruneStrokes, selectStrokes } from '../optimize/prune.ts';
import type { ResolvedInitial } from '../options.ts';
import { imageToCanvas, type CanvasMap } from '../preprocess/preprocess.ts';
import { createRandom } from '../random.ts';
import { createCpuRasterizer } from '../raster/cpu.ts';
import type { SketchStrokes } from '../result.ts';
import { missingStrokes } from './missing.ts';

export interface ContinueInput {
  initial: ResolvedInitial;
  add: number;
  remove: number;
  /** Seeds: each gets the kept strokes and its own added ones (random seed base + s). */
  seeds: number;
  seed: number;
  model: LossModel;
  map: CanvasMap;
  box: ClampBox;
  clean: TargetFeatures;
  /** The run's loss weights before normalization. */
  weights: LossWeights;
  style: StrokeStyle;
  /** The fresh sketch's start map: where added strokes may go (init/sample.ts). */
  saliency: Float32Array;
  edges: Float32Array;
  region: Float32Array;
  signal?: AbortSignal;
}

export interface Continuation {
  /** Each seed's starting points (canvas px, strokes*8): kept initial strokes, then added ones. */
  seeds: Float32Array[];
  /** One flag per output stroke, or undefined when none is frozen. */
  frozen: Uint8Array | undefined;
  /** Per output stroke: its initial stroke's index, or -1 for an added one. */
  origin: number[];
  /** Puts the caller's exact numbers back into the frozen strokes of mapped points. */
  restore(strokes: SketchStrokes): SketchStrokes;
}

/** The initial strokes on the canvas (float32, as the optimizer keeps them). */
export function initialOnCanvas(points: ArrayLike<number>, map: CanvasMap): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 2) [out[i], out[i + 1]] = imageToCanvas(map, points[i], points[i + 1]);
  return out;
}

export async function continueDrawing(input: ContinueInput): Promise<Continuation> {
  const { initial, add, remove, model, map, box, clean, style } = input;
  const n = initial.points.length / 8;
  const frozenSet = new Set(initial.frozen);
  const flags = Uint8Array.from({ length: n }, (_, s) => (frozenSet.has(s) ? 1 : 0));
  const canvas = initialOnCanvas(initial.points, map);
  // Kept strokes are clamped like fresh ones (the optimizer's invariant), frozen ones are not.
  clampPoints(canvas, box, flags);
  const rasterizer = createCpuRasterizer();
  try {
    let keep = Array.from({ length: n }, (_, s) => s);
    if (remove === n)
      keep = []; // everything goes: nothing to rank
    else if (remove > 0) {
      // Score removals on the scale the run uses: each term divided by its value for the drawing as given.
      const raw = await cleanTerms(model, rasterizer, canvas, clean, unitWeights(input.weights), style);
      const weights = normalizeWeights(input.weights, raw.terms);
      ({ keep } = await pruneStrokes(
        { model, rasterizer, points: canvas, frozen: flags, clean, weights, style, signal: input.signal },
        remove,
      ));
    }
    const kept = selectStrokes(canvas, keep);
    const total = keep.length + add;
    const seeds: Float32Array[] = [];
    const blank = (): Float32Array => new Float32Array(model.size * model.size).fill(1);
    const rendered = add === 0 ? null : keep.length === 0 ? blank() : await renderClean(rasterizer, kept, model.size, style);
    for (let s = 0; s < input.seeds; s++) {
      const points = new Float32Array(8 * total);
      points.set(kept);
      if (rendered) {
        const added = missingStrokes(
          { rendered, saliency: input.saliency, edges: input.edges, region: input.region, size: model.size, total },
          add,
          createRandom(input.seed + s),
        );
        clampPoints(added, box);
        points.set(added, kept.length);
      }
      seeds.push(points);
    }
    const origin = [...keep, ...Array.from({ length: add }, () => -1)];
    const frozen = frozenSet.size > 0 ? Uint8Array.from(origin, (o) => (o >= 0 && frozenSet.has(o) ? 1 : 0)) : undefined;
    const restore = (strokes: SketchStrokes): SketchStrokes => {
      if (!frozen) return strokes;
      const points = strokes.points.slice(),
        unitPoints = strokes.unitPoints.slice();
      origin.forEach((o, j) => {
        if (!frozen[j]) return;
        for (let k = 0; k < 8; k++) {
          const v = initial.points[8 * o + k];
          points[8 * j + k] = v;
          unitPoints[8 * j + k] = v / (k % 2 === 0 ? map.width : map.height);
        }
      });
      return { points, unitPoints };
    };
    return { seeds, frozen, origin, restore };
  } finally {
    rasterizer.dispose();
  }
}
