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
import { resolveWeights } from './loss/weights.ts';
import type { LossModel } from './models/types.ts';
import { contentBox } from './optimize/clamp.ts';
import { DeviceFallback } from './optimize/fallback.ts';
import { optimize } from './optimize/loop.ts';
import type { Stepper, StepperSetup } from './optimize/steppers.ts';
import { resolveOptions, type ResolvedOptions, type SketchOptions } from './options.ts';
import { validateImage, type RgbaImage } from './preprocess/image.ts';
import { preprocess } from './preprocess/preprocess.ts';
import { createRandom } from './random.ts';
import { mapStrokes, type BackendFallback, type SketchProgress, type SketchResult } from './result.ts';
import { newSeed, scoreStart, sketchResult, whatToDraw } from './stages.ts';

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
    // Initialization: the subject, saliency x edges -> spaced start points -> short random walks;
    // some strokes start along the subject's outline (its gesture), the rest where detail is.
    const drawn = whatToDraw(pre, opts, size);
    const saliency = await model.saliency(drawn.seen.rgb);
    const box = contentBox(pre.map);
    const region = startRegion(pre.map);
    const start0 = { saliency, edges: drawn.edges, region, size, seeds: selection.rasterizers.length, seed: opts.seed, box };
    let seeds = opts.initial
      ? []
      : freshStrokes({ ...start0, subjectMask: drawn.mask, strokes: opts.strokes }).map((p, s) => newSeed(p, opts.seed + s));
    let firstPreviewMs = NaN;
    const previewInit = (): void => {
      firstPreviewMs = now() - start;
      const at = { iteration: 0, iterations: opts.iterations, loss: NaN, bestLoss: NaN, elapsedMs: firstPreviewMs, etaMs: NaN };
      runtime.onProgress?.({ phase: 'init', ...at, subject: drawn.summary, ...report(seeds[0].points) });
    };
    if (!opts.initial) previewInit();
    const tInit = now();

    // Targets: the model's features of the photo under a pool of augmented views.
    const poolRandom = createRandom(opts.seed ^ 0x5bd1e995);
    const targets: TargetPool = await buildTargetPool(model, drawn.seen.rgb, viewPool(size, opts.poolSize, poolRandom), signal);
    const clean = gatherTargets(targets, [0]);
    // Continuing given strokes needs the clean target (to rank strokes for removal): it starts here.
    const continued = opts.initial
      ? await continueDrawing({ ...opts, ...start0, initial: opts.initial, model, map: pre.map, clean, weights, style, signal })
      : null;
    if (continued) {
      seeds = continued.seeds.map((p, s) => newSeed(p, opts.seed + s));
      report = (points) => continued.restore(mapStrokes(points, pre.map));
      previewInit();
    }
    const norm = await scoreStart(guard, model, seeds, clean, weights, style);

    // Optimize, where the backend and the fallback put it.
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
    const points = seeds.map((st) => st.points);
    const initLosses = seeds.map((st) => st.initLoss);
    const chosen = await guard.stepper(model, setup, opts.seeds * (1 + opts.views), opts.evalEvery + 1, points, initLosses);
    stepper = chosen.stepper;
    const pipeline = chosen.stepper.kind;
    const runtimeNote = pipeline !== 'webgpu-one-device' && model.runtime ? `; model on ${model.runtime}` : '';
    const tTargets = now();
    const progress = {
      onProgress: runtime.onProgress,
      progressIntervalMs: runtime.progressIntervalMs ?? 100,
      start,
      loopStart: tTargets,
      report,
    };
    const loop = { opts, model, seeds, targets, clean, weights: norm, style, stepper: chosen.stepper, guard, setup, signal };
    const outcome = await optimize({ ...loop, ...progress });
    stepper = outcome.stepper;
    const end = now();
    const iterations = outcome.iterations;
    return sketchResult({
      image,
      opts,
      pre,
      model,
      seeds,
      outcome,
      guard,
      backend: selection.backend,
      backendReason: selection.reason + chosen.note + runtimeNote,
      pipeline,
      subject: drawn.summary,
      weights: norm,
      origin: continued?.origin,
      report,
      timings: {
        modelMs: tModel - start,
        initMs: tInit - tModel,
        targetsMs: tTargets - tInit,
        optimizeMs: end - tTargets,
        totalMs: end - start,
        firstPreviewMs,
        perIterationMs: iterations > 0 ? (end - tTargets) / iterations : 0,
      },
    });
  } finally {
    await stepper?.dispose().catch(() => undefined);
    guard.dispose();
  }
}
