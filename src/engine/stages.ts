// The stages of sketchify (sketch.ts) that are more than a call: what the strokes draw, the
// starting drawing's score (which sets the loss scale), and the result.
import { xdogEdges } from './init/xdog.ts';
import { cleanTerms, weightedSum, type StrokeStyle } from './loss/evaluate.ts';
import { normalizeWeights, unitWeights } from './loss/weights.ts';
import type { LossModel, LossWeights, TargetFeatures } from './models/types.ts';
import type { DeviceFallback } from './optimize/fallback.ts';
import type { LoopOutcome, SeedState } from './optimize/loop.ts';
import type { ResolvedOptions } from './options.ts';
import type { Preprocessed } from './preprocess/preprocess.ts';
import type { RgbaImage } from './preprocess/image.ts';
import type { SketchResult, SketchStrokes, SketchTimings } from './result.ts';
import { describeSubject, findSubject, focusOnSubject } from './subject/subject.ts';

/** A seed's state before its first evaluation. */
export const newSeed = (points: Float32Array, seed: number): SeedState => ({
  seed,
  points,
  best: points.slice(),
  bestLoss: Infinity,
  initLoss: NaN,
  bestTrail: [],
  evals: [],
});

/** What the strokes draw: the subject faded out of its background (or the whole image). */
export function whatToDraw(pre: Preprocessed, opts: ResolvedOptions, size: number) {
  const photoEdges = xdogEdges(pre.gray, size);
  const subject = opts.subject === 'auto' ? findSubject(pre) : null;
  const seen = subject && subject.source !== 'whole' ? focusOnSubject(pre, subject.mask) : pre;
  return {
    seen,
    summary: describeSubject(subject, photoEdges, pre),
    edges: seen === pre ? photoEdges : xdogEdges(seen.gray, size),
    /** The subject's mask where it is drawn alone, else null. */
    mask: seen === pre ? null : subject!.mask,
  };
}

/**
 * Scores each seed's starting strokes and normalizes each term by its raw value for the first
 * seed: runs with the same image, strokes and base seed share the scale whatever their seed
 * count or schedule. A device lost here sends the run to the CPU (guard).
 */
export async function scoreStart(
  guard: DeviceFallback,
  model: LossModel,
  seeds: SeedState[],
  clean: TargetFeatures,
  weights: LossWeights,
  style: StrokeStyle,
): Promise<LossWeights> {
  const raw = await guard.beforeLoop(async (rasterizers) => {
    const terms: Record<string, number>[] = [];
    for (let s = 0; s < seeds.length; s++)
      terms.push((await cleanTerms(model, rasterizers[s], seeds[s].points, clean, unitWeights(weights), style)).terms);
    return terms;
  });
  const norm = normalizeWeights(weights, raw[0]);
  seeds.forEach((st, s) => {
    st.initLoss = st.bestLoss = weightedSum(norm, raw[s]);
    st.bestTrail.push(st.bestLoss);
    st.evals.push({ iteration: 0, loss: st.initLoss });
  });
  return norm;
}

export interface RunFacts {
  image: RgbaImage;
  opts: ResolvedOptions;
  pre: Preprocessed;
  model: LossModel;
  seeds: SeedState[];
  outcome: LoopOutcome;
  guard: DeviceFallback;
  backend: SketchResult['backend'];
  backendReason: string;
  pipeline: SketchResult['pipeline'];
  subject: SketchResult['subject'];
  weights: LossWeights;
  origin?: number[];
  report: (points: Float32Array) => SketchStrokes;
  timings: SketchTimings;
}

/** The winning seed's strokes and everything a caller may want to know about the run. */
export function sketchResult(f: RunFacts): SketchResult {
  const winner = f.seeds.reduce((a, b) => (b.bestLoss < a.bestLoss ? b : a));
  const { fallback } = f.guard;
  return {
    ...f.report(winner.best),
    strokes: f.opts.strokes,
    width: f.opts.width * f.pre.map.scale,
    imageWidth: f.image.width,
    imageHeight: f.image.height,
    canvasPoints: winner.best,
    canvasWidth: f.opts.width,
    canvasSize: f.model.size,
    lossInitial: winner.initLoss,
    lossFinal: winner.bestLoss,
    lossHistory: f.outcome.lossHistory,
    evalHistory: winner.evals,
    iterations: f.outcome.iterations,
    seed: winner.seed,
    cancelled: f.outcome.cancelled,
    stoppedEarly: f.outcome.stoppedEarly,
    backend: f.backend,
    backendReason: fallback
      ? `${f.backendReason}; ${fallback.reason} at iteration ${fallback.iteration}: continued on the CPU from iteration ${fallback.resumedFrom}${fallback.adamRestarted ? ' (Adam restarted)' : ''}`
      : f.backendReason,
    pipeline: f.pipeline,
    ...(fallback ? { fallback } : {}),
    model: f.model.id,
    subject: f.subject,
    weights: f.weights,
    ...(f.origin ? { origin: f.origin } : {}),
    timings: f.timings,
  };
}
