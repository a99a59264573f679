// The one entry point: image -> strokes (DESIGN.md §2, §5). Preprocess, initialize from the
// saliency x XDoG map, then optimize every seed's control points together with Adam against
// the model's loss over the clean view plus augmented views (targets precomputed for a pool),
// evaluating the clean view every few iterations and keeping each seed's best strokes.
import { buildTargetPool, gatherTargets, gatherViews, type TargetPool } from './augment/targets.ts';
import { viewPool } from './augment/views.ts';
import { selectBackend } from './backend.ts';
import { growStrokes, sampleStartPoints, startDistribution, startRegion } from './init/sample.ts';
import { xdogEdges } from './init/xdog.ts';
import { cleanTerms, weightedSum } from './loss/evaluate.ts';
import { normalizeWeights, resolveWeights, unitWeights } from './loss/weights.ts';
import type { LossModel, LossWeights } from './model/types.ts';
import { Adam } from './optim/adam.ts';
import { learningRate } from './optim/schedule.ts';
import { PLATEAU_TOLERANCE, resolveOptions, type ResolvedOptions, type SketchOptions } from './options.ts';
import { validateImage, type RgbaImage } from './preprocess/image.ts';
import { preprocess } from './preprocess/preprocess.ts';
import { createRandom, type Random } from './random.ts';
import type { Rasterizer } from './raster/types.ts';
import { mapStrokes, type SketchProgress, type SketchResult } from './result.ts';

export interface SketchRuntime {
  onProgress?: (event: SketchProgress) => void;
  /** Aborting returns the best strokes so far (cancelled: true) once initialization is done. */
  signal?: AbortSignal;
  /** A loaded model (its id must match options.model when that is given) ... */
  model?: LossModel;
  /** ... or a loader by id. The caller owns the model: sketchify never disposes it. */
  loadModel?: (id: string) => Promise<LossModel>;
  /** Enables the WebGPU rasterizer. */
  gpuDevice?: GPUDevice;
  /** Minimum time between optimize progress events (default 100 ms). */
  progressIntervalMs?: number;
}

/** Keeps points within this fraction of the canvas outside its edges (off-canvas drift, DESIGN.md §10). */
export const CLAMP_MARGIN = 0.02;

interface SeedState {
  seed: number;
  rasterizer: Rasterizer;
  points: Float32Array;
  adam: Adam;
  best: Float32Array;
  bestLoss: number;
  initLoss: number;
  /** Best loss after each evaluation (for the plateau test). */
  bestTrail: number[];
  evals: { iteration: number; loss: number }[];
}

const now = (): number => performance.now();

async function obtainModel(opts: ResolvedOptions, explicitModel: boolean, runtime: SketchRuntime): Promise<LossModel> {
  if (runtime.model) {
    if (explicitModel && runtime.model.id !== opts.model) throw new Error(`option model '${opts.model}' does not match the given model '${runtime.model.id}'`);
    return runtime.model;
  }
  if (!runtime.loadModel) throw new Error('sketchify needs runtime.model or runtime.loadModel');
  return runtime.loadModel(opts.model);
}

/** `count` distinct pool indices (1-based: 0 is the clean view). */
function pickViews(random: Random, poolSize: number, count: number): number[] {
  const all = Array.from({ length: poolSize }, (_, i) => i + 1);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (poolSize - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, count);
}

function clampPoints(points: Float32Array, size: number): void {
  const lo = -CLAMP_MARGIN * size, hi = size * (1 + CLAMP_MARGIN);
  for (let i = 0; i < points.length; i++) points[i] = points[i] < lo ? lo : points[i] > hi ? hi : points[i];
}

function plateaued(trail: number[], patience: number): boolean {
  if (trail.length <= patience) return false;
  const before = trail[trail.length - 1 - patience];
  return trail[trail.length - 1] > before - PLATEAU_TOLERANCE * Math.abs(before);
}

export async function sketchify(image: RgbaImage, options: SketchOptions = {}, runtime: SketchRuntime = {}): Promise<SketchResult> {
  const start = now();
  const opts = resolveOptions(options);
  validateImage(image);
  const { signal } = runtime;
  if (signal?.aborted) throw new Error('sketchify was aborted before it started');
  const model = await obtainModel(opts, options.model !== undefined, runtime);
  const tModel = now();
  const size = model.size;
  const style = { width: opts.width };
  const pre = preprocess(image, size);
  const weights = resolveWeights(model, opts.weights);
  const selection = await selectBackend(opts.backend, opts.seeds, runtime.gpuDevice);
  const report = (points: Float32Array) => mapStrokes(points, pre.map);
  try {
    // Initialization: saliency x edges -> spaced start points -> short random walks.
    const saliency = await model.saliency(pre.rgb);
    const prob = startDistribution(saliency, xdogEdges(pre.gray, size), opts.strokes, startRegion(pre.map));
    const seeds: SeedState[] = selection.rasterizers.map((rasterizer, s) => {
      const random = createRandom(opts.seed + s);
      const points = growStrokes(sampleStartPoints(prob, size, opts.strokes, random), size, random);
      clampPoints(points, size);
      const adam = new Adam(points.length, { lr: opts.lr });
      return { seed: opts.seed + s, rasterizer, points, adam, best: points.slice(), bestLoss: Infinity, initLoss: NaN, bestTrail: [], evals: [] };
    });
    const firstPreviewMs = now() - start;
    runtime.onProgress?.({ phase: 'init', iteration: 0, iterations: opts.iterations, loss: NaN, bestLoss: NaN, elapsedMs: firstPreviewMs, etaMs: NaN, ...report(seeds[0].points) });
    const tInit = now();

    const poolRandom = createRandom(opts.seed ^ 0x5bd1e995);
    const targets: TargetPool = await buildTargetPool(model, pre.rgb, viewPool(size, opts.poolSize, poolRandom), signal);
    const clean = gatherTargets(targets, [0]);
    // Normalize each term by its raw value for the first seed's initial strokes: runs with the
    // same image, strokes and base seed share the scale whatever their seed count or schedule.
    const raw: Record<string, number>[] = [];
    for (const st of seeds) raw.push((await cleanTerms(model, st.rasterizer, st.points, clean, unitWeights(weights), style)).terms);
    const norm: LossWeights = normalizeWeights(weights, raw[0]);
    seeds.forEach((st, s) => {
      st.initLoss = st.bestLoss = weightedSum(norm, raw[s]);
      st.bestTrail.push(st.bestLoss);
      st.evals.push({ iteration: 0, loss: st.initLoss });
    });
    const tTargets = now();

    const lossHistory: number[] = [];
    const batchViews = 1 + opts.views;
    const plane = size * size;
    const viewRandom = createRandom(opts.seed ^ 0x27d4eb2f);
    let iterations = 0, cancelled = false, stoppedEarly = false, lastEmit = -Infinity;
    const interval = runtime.progressIntervalMs ?? 100;
    const leader = (): SeedState => seeds.reduce((a, b) => (b.bestLoss < a.bestLoss ? b : a));
    for (let it = 1; it <= opts.iterations; it++) {
      // Let other tasks run between iterations: in the UI worker the abort arrives as a message,
      // and a loop chained only on microtasks (wasm sessions resolve that way) never sees it.
      await yieldToEventLoop();
      if (signal?.aborted) {
        cancelled = true;
        break;
      }
      const indices = [0, ...pickViews(viewRandom, opts.poolSize, opts.views)];
      const views = gatherViews(targets, indices);
      const images = new Float32Array(seeds.length * batchViews * plane);
      for (let s = 0; s < seeds.length; s++) {
        const scene = { points: seeds[s].points, views, size, width: opts.width };
        images.set(await seeds[s].rasterizer.forward(scene), s * batchViews * plane);
      }
      const batchIndices = seeds.flatMap(() => indices);
      const result = await model.lossAndGradient(images, gatherTargets(targets, batchIndices), norm);
      const lr = learningRate(opts.lrSchedule, opts.lr, it, opts.iterations);
      for (let s = 0; s < seeds.length; s++) {
        const grad = await seeds[s].rasterizer.backward(result.grad.subarray(s * batchViews * plane, (s + 1) * batchViews * plane));
        seeds[s].adam.step(seeds[s].points, grad, lr);
        clampPoints(seeds[s].points, size);
      }
      lossHistory.push(result.loss);
      iterations = it;
      if (it % opts.evalEvery === 0 || it === opts.iterations) {
        // Evaluate the strokes as they are now (after this step) and keep them if best.
        for (const st of seeds) {
          const { loss } = await cleanTerms(model, st.rasterizer, st.points, clean, norm, style);
          st.evals.push({ iteration: it, loss });
          if (loss < st.bestLoss) {
            st.bestLoss = loss;
            st.best = st.points.slice();
          }
          st.bestTrail.push(st.bestLoss);
        }
        if (opts.earlyStop && seeds.every((st) => plateaued(st.bestTrail, opts.patience))) stoppedEarly = it < opts.iterations;
      }
      const t = now();
      if (t - lastEmit >= interval || stoppedEarly || it === opts.iterations) {
        lastEmit = t;
        const perIt = (t - tTargets) / it;
        const lead = leader();
        runtime.onProgress?.({
          phase: 'optimize',
          iteration: it,
          iterations: opts.iterations,
          loss: result.loss,
          bestLoss: lead.bestLoss,
          elapsedMs: t - start,
          etaMs: perIt * (opts.iterations - it),
          ...report(lead.points),
        });
      }
      if (stoppedEarly) break;
    }
    const end = now();
    const winner = leader();
    return {
      ...report(winner.best),
      strokes: opts.strokes,
      width: opts.width * pre.map.scale,
      imageWidth: image.width,
      imageHeight: image.height,
      canvasPoints: winner.best,
      canvasWidth: opts.width,
      canvasSize: size,
      lossInitial: winner.initLoss,
      lossFinal: winner.bestLoss,
      lossHistory,
      evalHistory: winner.evals,
      iterations,
      seed: winner.seed,
      cancelled,
      stoppedEarly,
      backend: selection.backend,
      backendReason: selection.reason,
      model: model.id,
      weights: norm,
      timings: {
        modelMs: tModel - start,
        initMs: tInit - tModel,
        targetsMs: tTargets - tInit,
        optimizeMs: end - tTargets,
        totalMs: end - start,
        firstPreviewMs,
        perIterationMs: iterations > 0 ? (end - tTargets) / iterations : 0,
      },
    };
  } finally {
    for (const r of selection.rasterizers) r.dispose();
  }
}

/** Resolves after the event loop has had a turn (a macrotask), so queued messages are handled. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
