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
import { startRegion } from './init/sample.ts';
import { freshStrokes } from './init/start.ts';
import { xdogEdges } from './init/xdog.ts';
import { cleanTerms, weightedSum } from './loss/evaluate.ts';
import { normalizeWeights, resolveWeights, unitWeights } from './loss/weights.ts';
import type { LossModel, LossWeights } from './models/types.ts';
import { contentBox } from './optimize/clamp.ts';
import { DeviceFallback } from './optimize/fallback.ts';
import { optimize, type SeedState } from './optimize/loop.ts';
import type { Stepper, StepperSetup } from './optimize/steppers.ts';
import { resolveOptions, type ResolvedOptions, type SketchOptions } from './options.ts';
import { validateImage, type RgbaImage } from './preprocess/image.ts';
import { preprocess } from './preprocess/preprocess.ts';
import { createRandom } from './random.ts';
import { describeSubject, focusOnSubject, findSubject } from './subject/subject.ts';
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
  /** Called once if the GPU device is lost and the run continues on the CPU (also in progress events and the result). */
  onFallback?: (fallback: BackendFallback) => void;
  /** Minimum time between optimize progress events (default 100 ms). */
  progressIntervalMs?: number;
}

const now = (): number => performance.now();

async function obtainModel(opts: ResolvedOptions, explicitModel: boolean, runtime: SketchRuntime): Promise<LossModel> {
  if (runtime.model) {
    if (explicitModel && runtime.model.id !== opts.model)
      throw new Error(`option model '${opts.model}' does not match the given model '${runtime.model.id}'`);
    return runtime.model;
  }
  if (!runtime.loadModel) throw new Error('sketchify needs runtime.model or runtime.loadModel');
  return runtime.loadModel(opts.model);
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
  const guard = new DeviceFallback({ ...selection, device: runtime.gpuDevice, oneDevice: runtime.oneDevice }, runtime.onFallback);
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
    const seedState = (points: Float32Array, s: number): SeedState => ({
      seed: opts.seed + s,
      points,
      best: points.slice(),
      bestLoss: Infinity,
      initLoss: NaN,
      bestTrail: [],
      evals: [],
    });
    const region = startRegion(pre.map);
    // Some strokes start along the subject's outline (its gesture), the rest where detail is.
    const fresh = opts.initial
      ? []
      : freshStrokes({
          saliency,
          edges,
          region,
          subjectMask: seen === pre ? null : subject!.mask,
          size,
          strokes: opts.strokes,
          seeds: selection.rasterizers.length,
          seed: opts.seed,
          box,
        });
    let seeds: SeedState[] = fresh.map(seedState);
    let firstPreviewMs = NaN;
    const previewInit = (): void => {
      firstPreviewMs = now() - start;
      runtime.onProgress?.({
        phase: 'init',
        iteration: 0,
        iterations: opts.iterations,
        loss: NaN,
        bestLoss: NaN,
        elapsedMs: firstPreviewMs,
        etaMs: NaN,
        subject: subjectSummary,
        ...report(seeds[0].points),
      });
    };
    if (!opts.initial) previewInit();
    const tInit = now();

    const poolRandom = createRandom(opts.seed ^ 0x5bd1e995);
    const targets: TargetPool = await buildTargetPool(model, seen.rgb, viewPool(size, opts.poolSize, poolRandom), signal);
    const clean = gatherTargets(targets, [0]);
    // Continuing given strokes needs the clean target (to rank strokes for removal): it starts here.
    const continued = opts.initial
      ? await continueDrawing({
          ...opts,
          initial: opts.initial,
          seeds: selection.rasterizers.length,
          model,
          map: pre.map,
          box,
          clean,
          weights,
          style,
          saliency,
          edges,
          region,
          signal,
        })
      : null;
    if (continued) {
      seeds = continued.seeds.map(seedState);
      report = (points) => continued.restore(mapStrokes(points, pre.map));
      previewInit();
    }
    // Normalize each term by its raw value for the first seed's initial strokes: runs with the
    // same image, strokes and base seed share the scale whatever their seed count or schedule.
    // A device lost here or while the GPU session builds sends the whole run to the CPU.
    const raw = await guard.beforeLoop(async (rasterizers) => {
      const terms: Record<string, number>[] = [];
      for (let s = 0; s < seeds.length; s++)
        terms.push((await cleanTerms(model, rasterizers[s], seeds[s].points, clean, unitWeights(weights), style)).terms);
      return terms;
    });
    const norm: LossWeights = normalizeWeights(weights, raw[0]);
    seeds.forEach((st, s) => {
      st.initLoss = st.bestLoss = weightedSum(norm, raw[s]);
      st.bestTrail.push(st.bestLoss);
      st.evals.push({ iteration: 0, loss: st.initLoss });
    });

    const setup: StepperSetup = {
      model,
      targets,
      weights: norm,
      strokes: opts.strokes,
      width: opts.width,
      lr: opts.lr,
      box,
      frozen: continued?.frozen,
    };
    const chosen = await guard.stepper(
      model,
      setup,
      opts.seeds * (1 + opts.views),
      opts.evalEvery + 1,
      seeds.map((st) => st.points),
      seeds.map((st) => st.initLoss),
    );
    stepper = chosen.stepper;
    let backendReason = selection.reason + chosen.note;
    const pipeline = chosen.stepper.kind;
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
      stepper: chosen.stepper,
      guard,
      setup,
      signal,
      onProgress: runtime.onProgress,
      progressIntervalMs: runtime.progressIntervalMs ?? 100,
      start,
      loopStart: tTargets,
      report,
    });
    stepper = outcome.stepper;
    const { iterations } = outcome;
    const { fallback } = guard;
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
      backendReason: fallback
        ? `${backendReason}; ${fallback.reason} at iteration ${fallback.iteration}: continued on the CPU from iteration ${fallback.resumedFrom}${fallback.adamRestarted ? ' (Adam restarted)' : ''}`
        : backendReason,
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
    guard.dispose();
  }
}
