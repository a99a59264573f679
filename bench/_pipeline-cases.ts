// One per-iteration benchmark case of bench/pipeline.ts, shared by the Node (CPU path) and the
// headless Chromium page (WebGPU path, bench/_pipeline-page.ts): random strokes, B views
// (identity + random perspective), random target features of the right shapes (timing does
// not depend on their values), loss weights 1 per tap and 0.1 semantic.
import type * as Ort from 'onnxruntime-web';
import {
  gatherTargets,
  gatherViews,
  type TargetPool,
  viewPool,
  createCpuPipeline,
  createGpuPipeline,
  type IterationTimings,
  GpuLossSession,
  createOnnxLossModel,
  CLIP_RN101,
  clipResNet,
  clipResNetSpec,
  EMBEDDED_EMBEDDING_LAYER,
  EMBEDDED_INPUT_SIZE,
  EMBEDDED_TAP_NORMALIZATION,
  MOBILENET_V2_DEFAULT_TAPS,
  mobileNetV2,
  countFlops,
  buildLossGraph,
  type Architecture,
  unpackLayersModel,
  createRandom,
  createCpuRasterizer,
} from '../src/engine/index.ts';

export const SIZE = 224;
export type ModelName = 'embedded' | 'rn101';

export interface CaseSpec {
  model: ModelName;
  batch: number;
  strokes: number;
  /** Timed iterations (after one warm-up). */
  iterations: number;
  /** Loss graph arithmetic (default: float16 on a shader-f16 device, else float32). */
  precision?: 'float32' | 'float16';
}

export const MODEL_LABELS: Record<ModelName, string> = {
  embedded: `embedded MobileNetV2 as shipped (real weights, ${EMBEDDED_INPUT_SIZE} px inside the graph, taps ${MOBILENET_V2_DEFAULT_TAPS.join(' + ')} (${EMBEDDED_TAP_NORMALIZATION}-normalized), embedding ${EMBEDDED_EMBEDDING_LAYER})`,
  rn101: 'CLIP RN101 shape, random weights (taps layer2 + layer3 + embedding)',
};

/** The embedded model's architecture from its packed weight file, configured as loadEmbeddedModel does. */
export function embeddedArchitecture(bytes: Uint8Array): Architecture {
  return mobileNetV2(unpackLayersModel(bytes).model, {
    taps: MOBILENET_V2_DEFAULT_TAPS,
    inputSize: EMBEDDED_INPUT_SIZE,
    embedding: EMBEDDED_EMBEDDING_LAYER,
    tapNormalization: EMBEDDED_TAP_NORMALIZATION,
  });
}

/** RN101 with random weights: small conv weights, unit BatchNorm variance (no NaN). */
export function rn101Random(): Architecture {
  const spec = clipResNetSpec(CLIP_RN101);
  const random = createRandom(5);
  return clipResNet(CLIP_RN101, {
    float32(name) {
      const n = spec.tensors.get(name)!.reduce((a, b) => a * b, 1);
      if (/running_var$|bn\d*\.weight$/.test(name)) return new Float32Array(n).fill(1);
      return Float32Array.from({ length: n }, () => 0.02 * (random() - 0.5));
    },
  });
}

export type Backend =
  | { kind: 'cpu'; ort: Pick<typeof Ort, 'InferenceSession' | 'Tensor'>; sessionOptions?: Ort.InferenceSession.SessionOptions }
  | { kind: 'webgpu'; ort: typeof Ort; device: GPUDevice };

export interface CaseRow {
  /** Arithmetic of the loss graph that ran. */
  precision: 'float32' | 'float16';
  model_flops: number;
  ms_iteration: number;
  ms_rasterize: number;
  ms_model: number;
  ms_backward: number;
  ms_optimizer: number;
  ms_overhead: number;
  /** Round trip of an empty queue.onSubmittedWorkDone() (webgpu; each timed phase pays one). */
  ms_sync_roundtrip?: number;
  share_non_model: number;
  /** (rasterize + backward + optimizer) / sum of the four parts, from the timed iterations alone. */
  share_non_model_parts: number;
  share_overhead: number;
  model_gflop_s: number;
  iteration_gflop_s: number;
  ms_setup: number;
}

// Means (not medians): the wall time is a mean over the same number of iterations.
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function runCase(spec: CaseSpec, arch: Architecture, backend: Backend): Promise<CaseRow> {
  const t0 = performance.now();
  const { batch: B, strokes: N } = spec;
  const graph = buildLossGraph(arch, { batch: B, size: SIZE });
  const flops = countFlops(graph);
  const random = createRandom(B * 1000 + N);
  // Pool of B entries: identity + B-1 random views, random target features per entry.
  const views = new Float32Array(9 * B);
  views.set([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  views.set(viewPool(SIZE, B - 1, random), 9);
  const features: Record<string, Float32Array>[] = [];
  for (let b = 0; b < B; b++) {
    const entry: Record<string, Float32Array> = {};
    for (const t of graph.inputs) {
      if (t.name.startsWith('target_')) entry[t.name.slice(7)] = Float32Array.from({ length: t.size / B }, () => random());
    }
    features.push(entry);
  }
  const pool: TargetPool = { views, features };
  const taps = graph.inputs.filter((t) => t.name.startsWith('w_') && t.name !== 'w_semantic').map((t) => t.name.slice(2));
  const weights = { geometric: Object.fromEntries(taps.map((t) => [t, 1])), semantic: 0.1 };
  const indices = Array.from({ length: B }, (_, i) => i);
  const batchViews = gatherViews(pool, indices);
  const points = Float32Array.from({ length: N * 8 }, () => SIZE * (0.1 + 0.8 * random()));
  const phases: IterationTimings[] = [];
  let wall = 0;
  let setup = 0;
  let syncMs: number | undefined;
  let precision: 'float32' | 'float16' = 'float32';

  if (backend.kind === 'cpu') {
    precision = spec.precision ?? 'float32';
    const model = await createOnnxLossModel(
      { id: spec.model, size: SIZE, architecture: arch, defaultWeights: weights },
      { ort: backend.ort, sessionOptions: backend.sessionOptions, lossPrecision: precision },
    );
    const cpu = createCpuPipeline({ model, rasterizers: [createCpuRasterizer()], pool, weights, strokes: N, width: 3, lr: 1 });
    cpu.setPoints(0, points);
    await cpu.iterate(batchViews, indices); // warm-up: session creation, first-run allocations
    setup = performance.now() - t0;
    const w0 = performance.now();
    for (let i = 0; i < spec.iterations; i++) phases.push(await cpu.iterate(batchViews, indices));
    wall = (performance.now() - w0) / spec.iterations;
    await model.dispose();
  } else {
    const { ort, device } = backend;
    const session = await GpuLossSession.create({
      ort,
      device,
      id: spec.model,
      architecture: arch,
      size: SIZE,
      batch: B,
      precision: spec.precision,
    });
    precision = session.precision;
    session.setWeights(weights);
    session.setTargetPool(gatherTargets(pool, indices));
    const gpu = await createGpuPipeline({ device, session, seeds: 1, strokes: N, width: 3, lr: 1 });
    gpu.setPoints(0, points);
    await gpu.iterate(batchViews, indices);
    await gpu.sync();
    setup = performance.now() - t0;
    // Phase times: a GPU wait after each phase. Wall time: the same iterations back to back,
    // with one wait at the end (what the optimization loop does between throttled readbacks).
    for (let i = 0; i < spec.iterations; i++) phases.push((await gpu.iterate(batchViews, indices, true))!);
    const w0 = performance.now();
    for (let i = 0; i < spec.iterations; i++) await gpu.iterate(batchViews, indices);
    await gpu.sync();
    wall = (performance.now() - w0) / spec.iterations;
    const s0 = performance.now();
    for (let i = 0; i < 5; i++) await gpu.sync();
    syncMs = (performance.now() - s0) / 5;
    const losses = await gpu.readLosses();
    if (!losses.every((l) => Number.isFinite(l) && l !== 0)) throw new Error(`webgpu losses not finite / zero: ${losses.join(', ')}`);
    gpu.dispose();
    await session.dispose();
  }
  const m = (k: keyof IterationTimings) => mean(phases.map((p) => p[k]));
  const parts = { r: m('rasterizeMs'), mo: m('modelMs'), b: m('backwardMs'), o: m('optimizerMs') };
  const overhead = wall - (parts.r + parts.mo + parts.b + parts.o);
  const round = (x: number, d = 1) => +x.toFixed(d);
  return {
    precision,
    model_flops: flops,
    ms_iteration: round(wall),
    ms_rasterize: round(parts.r),
    ms_model: round(parts.mo),
    ms_backward: round(parts.b),
    ms_optimizer: round(parts.o, 2),
    ms_overhead: round(overhead),
    ...(syncMs === undefined ? {} : { ms_sync_roundtrip: round(syncMs, 2) }),
    share_non_model: round((wall - parts.mo) / wall, 3),
    share_non_model_parts: round((parts.r + parts.b + parts.o) / (parts.r + parts.mo + parts.b + parts.o), 4),
    share_overhead: round(overhead / wall, 3),
    model_gflop_s: round(flops / parts.mo / 1e6, 2),
    iteration_gflop_s: round(flops / wall / 1e6, 2),
    ms_setup: Math.round(setup),
  };
}
