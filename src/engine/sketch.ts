// The one entry point: image -> strokes (docs/design.md: "Data flow", "CLIPasso parameters"). Preprocess, initialize from the
// saliency x XDoG map, then optimize every seed's control points together with Adam against
// the model's loss over the clean view plus augmented views (targets precomputed for a pool),
// evaluating the clean view every few iterations and keeping each seed's best strokes.
// Where iterations run is a stepper (optimize/steppers.ts): the CPU path, the WebGPU
// rasterizer with the model on its own runtime, or the one-device WebGPU loop when the model
// offers a GPU loss session; the schedule around them is one (optimize/loop.ts).
import { buildTargetPool, gatherTargets, type TargetPool } from './augment/targets.ts';
import { viewPool } from './augment/views.ts';
import { selectBackend } from './backend.ts';
import { continueDrawing } from './init/continue.ts';
import { outlineStrokeCount, traceOutline } from './init/contour.ts';
import { initialStrokes, startDistribution, startRegion } from './init/sample.ts';
import { xdogEdges } from './init/xdog.ts';
import { cleanTerms, weightedSum } from './loss/evaluate.ts';
import { normalizeWeights, resolveWeights, unitWeights } from './loss/weights.ts';
import type { LossModel, LossWeights } from './model/types.ts';
import { clampPoints, contentBox } from './optimize/clamp.ts';
import { lostSoon, optimize, type SeedState } from './optimize/loop.ts';
import { startOneDevice } from './optimize/one-device.ts';
import { cpuFallback, cpuStepper, type Stepper, type StepperSetup } from './optimize/steppers.ts';
import { resolveOptions, type ResolvedOptions, type SketchOptions } from './options.ts';
import { validateImage, type RgbaImage } from './preprocess/image.ts';
import { preprocess } from './preprocess/preprocess.ts';
import { createRandom } from './random.ts';
import { createCpuRasterizer } from './raster/cpu.ts';
import { describeSubject, focusOnSubject, findSubject } from './subject/subject.ts';
import type { Rasterizer } from './raster/types.ts';
import { mapStrokes, type BackendFallback, type SketchProgress, type SketchResult } from './result.ts';

export { CLAMP_MARGIN } from './optimize/clamp.ts';

export interface SketchRuntime {
  onProgress?: (event: SketchProgress) => void;
  /** Aborting returns the best strokes so far (cancelled: true) once initialization is done. */
  signal?: AbortSignal;
  /** A loaded model (its id must match options.model when that is given) ... */
  model?: LossModel;
  /** ... or a loader by id. The caller owns the model: sketchify never disposes it. */
  loadModel?: (id: string) => Promise<LossModel>;
  /**
   * Enables the WebGPU backend: the rasterizer, and the whole loop on this device when the
   * model offers createGpuLossSession. If the device is lost mid-run the run goes on on the CPU.
   */
  gpuDevice?: GPUDevice;
  /** false keeps the model on its own runtime even when it offers a GPU loss session. */
  oneDevice?: boolean;
  /** Minimum time between optimize progress events (default 100 ms). */
  progressIntervalMs?: number;
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

/** Watches the device: the reason it was lost, once it is. */
function watchDevice(device?: GPUDevice): () => string | null {
  let lost: string | null = null;
  device?.lost?.then((info) => (lost = `GPU device lost (${info.reason}${info.message ? `: ${info.message}` : ''})`));
  return () => lost;
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
  const deviceLost = watchDevice(runtime.gpuDevice);
  const selection = await selectBackend(opts.backend, opts.seeds, runtime.gpuDevice);
  const owned: Rasterizer[] = [...selection.rasterizers];
  let report = (points: Float32Array) => mapStrokes(points, pre.map);
  let stepper: Stepper | null = null;
  try {
    // What the strokes draw: the subject faded out of its background (or the whole image).
    const photoEdges = xdogEdges(pre.gray, size);
    const subject = opts.subject === 'auto' ? findSubject(pre) : null;
    const seen = subject && subject.source !== 'whole' ? focusOnSubject(pre, subject.mask) : pre;
    const subjectSummary = describeSubject(subject, photoEdges, pre);
    // Initialization: saliency x edges -> spaced start points -> short random walks.
    const saliency = await model.saliency(seen.rgb);
    const box = contentBox(pre.map);
    const edges = seen === pre ? photoEdges : xdogEdges(seen.gray, size);
    const seedState = (points: Float32Array, s: number): SeedState => ({ seed: opts.seed + s, points, best: points.slice(), bestLoss: Infinity, initLoss: NaN, bestTrail: [], evals: [] });
    let seeds: SeedState[] = [];
    if (!opts.initial) {
      const prob = startDistribution(saliency, edges, opts.strokes, startRegion(pre.map));
      // Some strokes start along the subject's outline (its gesture), the rest where detail is.
      const traced = seen === pre ? null : traceOutline(subject!.mask, size);
      const outline = traced && traced.length >= 16 ? traced : null;
      const onOutline = outline ? outlineStrokeCount(opts.strokes) : 0;
      seeds = selection.rasterizers.map((_, s) => {
        const random = createRandom(opts.seed + s);
        const points = initialStrokes(prob, size, opts.strokes, random, outline, onOutline);
        clampPoints(points, box);
        return seedState(points, s);
      });
    }
    let firstPreviewMs = NaN;
    const previewInit = (): void => {
      firstPreviewMs = now() - start;
      runtime.onProgress?.({ phase: 'init', iteration: 0, iterations: opts.iterations, loss: NaN, bestLoss: NaN, elapsedMs: firstPreviewMs, etaMs: NaN, subject: subjectSummary, ...report(seeds[0].points) });
    };
    if (!opts.initial) previewInit();
    const tInit = now();

    const poolRandom = createRandom(opts.seed ^ 0x5bd1e995);
    const targets: TargetPool = await buildTargetPool(model, seen.rgb, viewPool(size, opts.poolSize, poolRandom), signal);
    const clean = gatherTargets(targets, [0]);
    // Continuing given strokes needs the clean target (to rank strokes for removal): it starts here.
    const continued = opts.initial ? await continueDrawing({ ...opts, initial: opts.initial, seeds: selection.rasterizers.length, model, map: pre.map, box, clean, weights, style, saliency, edges, region: startRegion(pre.map), signal }) : null;
    if (continued) {
      seeds = continued.seeds.map(seedState);
      report = (points) => continued.restore(mapStrokes(points, pre.map));
      previewInit();
    }
    // Normalize each term by its raw value for the first seed's initial strokes: runs with the
    // same image, strokes and base seed share the scale whatever their seed count or schedule.
    const raw: Record<string, number>[] = [];
    // A device lost before the loop (here or while the GPU session builds) sends the whole run
    // to the CPU path, reported as a fallback at iteration 0.
    let rasterizers = selection.rasterizers;
    let early: BackendFallback | undefined;
    const cpuBeforeLoop = (from: BackendFallback['from'], error?: unknown): void => {
      rasterizers = seeds.map(() => createCpuRasterizer());
      owned.push(...rasterizers);
      const detail = error ? ` (${(error as Error).message})` : '';
      early = { iteration: 0, resumedFrom: 0, from, reason: `${deviceLost()}${detail}`, adamRestarted: false };
    };
    const scoreInitial = async () => {
      raw.length = 0;
      for (let s = 0; s < seeds.length; s++) raw.push((await cleanTerms(model, rasterizers[s], seeds[s].points, clean, unitWeights(weights), style)).terms);
    };
    try {
      await scoreInitial();
    } catch (error) {
      if (selection.backend !== 'webgpu' || !(await lostSoon(deviceLost))) throw error;
      cpuBeforeLoop('webgpu-rasterizer', error);
      await scoreInitial();
    }
    const norm: LossWeights = normalizeWeights(weights, raw[0]);
    seeds.forEach((st, s) => {
      st.initLoss = st.bestLoss = weightedSum(norm, raw[s]);
      st.bestTrail.push(st.bestLoss);
      st.evals.push({ iteration: 0, loss: st.initLoss });
    });

    const setup: StepperSetup = { model, targets, weights: norm, strokes: opts.strokes, width: opts.width, lr: opts.lr, box, frozen: continued?.frozen };
    const initial = seeds.map((st) => st.points);
    let backendReason = selection.reason;
    if (selection.backend === 'webgpu' && runtime.gpuDevice && !early) {
      const device = runtime.gpuDevice;
      if (runtime.oneDevice === false) backendReason += `; model '${model.id}' on its own runtime (oneDevice: false)`;
      else if (!model.createGpuLossSession) backendReason += `; model '${model.id}' has no GPU loss session: it runs on its own runtime`;
      else {
        try {
          const start = await startOneDevice(model, { ...setup, device, maxUnread: opts.evalEvery + 1 }, opts.seeds * (1 + opts.views), initial, seeds.map((st) => st.initLoss));
          stepper = start.stepper;
          backendReason += `; ${start.note}`;
        } catch (error) {
          backendReason += `; the GPU loss session failed (${(error as Error).message}): model on its own runtime`;
        }
      }
    }
    if (!stepper && !early && selection.backend === 'webgpu' && deviceLost()) cpuBeforeLoop('webgpu-rasterizer');
    if (stepper && deviceLost()) {
      await stepper.dispose().catch(() => undefined);
      stepper = null;
      cpuBeforeLoop('webgpu-one-device');
    }
    stepper ??= cpuStepper(setup, rasterizers, initial);
    const pipeline = stepper.kind;
    if (pipeline !== 'webgpu-one-device' && model.runtime) backendReason += `; model on ${model.runtime}`;
    const tTargets = now();

    const outcome = await optimize({
      opts,
      model,
      seeds,
      targets,
      clean,
      weights: norm,
      style,
      stepper,
      evalRasterizers: rasterizers,
      deviceLost,
      earlyFallback: early,
      async fallback(points) {
        const cpu = points.map(() => createCpuRasterizer());
        owned.push(...cpu);
        const next = await cpuFallback(stepper!, setup, points, cpu);
        return { ...next, evalRasterizers: cpu };
      },
      signal,
      onProgress: runtime.onProgress,
      progressIntervalMs: runtime.progressIntervalMs ?? 100,
      start,
      loopStart: tTargets,
      report,
    });
    stepper = outcome.stepper;
    const { iterations } = outcome;
    const { fallback } = outcome;
    const end = now();
    const winner = seeds.reduce((a, b) => (b.bestLoss < a.bestLoss ? b : a));
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
      lossHistory: outcome.lossHistory,
      evalHistory: winner.evals,
      iterations,
      seed: winner.seed,
      cancelled: outcome.cancelled,
      stoppedEarly: outcome.stoppedEarly,
      backend: selection.backend,
      backendReason: fallback ? `${backendReason}; ${fallback.reason} at iteration ${fallback.iteration}: continued on the CPU from iteration ${fallback.resumedFrom}${fallback.adamRestarted ? ' (Adam restarted)' : ''}` : backendReason,
      pipeline,
      ...(fallback ? { fallback } : {}),
      model: model.id,
      subject: subjectSummary,
      weights: norm,
      ...(continued ? { origin: continued.origin } : {}),
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
    await stepper?.dispose().catch(() => undefined);
    for (const r of owned) r.dispose();
  }
}
