// Messages between the UI's main thread and the engine host, with their schemas. The engine
// runs in a worker so that the optimization (model and rasterizer calls that each take tens to
// hundreds of ms) never blocks the UI; a WebGPU run may run on the main thread instead
// (engine-client.ts), over a MessageChannel with the same messages. The UI asks (requests,
// each answered once: a run's reply is its result); the engine tells (events: booting, a run's
// progress, a download's progress, the warm-up). Every message is checked on arrival on both
// sides, by the rpc endpoint (src/common/rpc), like the sandbox's.

import { createEndpoint, type Endpoint, type MapOf, type Transport } from '../../common/rpc/endpoint.ts';
import {
  anyNumber,
  array,
  bool,
  bytes,
  clampedBytes,
  empty,
  float32,
  literal,
  nullable,
  num,
  object,
  optional,
  ProtocolError,
  str,
  type Infer,
} from '../../common/rpc/schema.ts';
import { MAX_IMAGE_SIDE, MAX_STROKES } from '../../common/limits.ts';

export const ENGINE_PROTOCOL = 'sketchify-engine/1';

const runId = num({ min: 1, max: 2 ** 31 - 1, integer: true });
const model = str({ min: 1, max: 100 });
/** Text: reasons and messages (an engine error's message may be long). */
const text = (max = 10_000) => str({ max });
const count = num({ min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
/** Bytes of a weights file or set: the largest CLIP checkpoint is a few hundred MB. */
const MAX_WEIGHT_BYTES = 2 ** 31 - 1;
const backendChoice = literal('auto', 'webgpu', 'cpu');
export type BackendChoice = Infer<typeof backendChoice>;

// ---- UI -> engine --------------------------------------------------------------------

const runOptions = object({
  strokes: num({ min: 1, max: MAX_STROKES, integer: true }),
  width: num({ min: 0, max: 1000 }),
  preset: literal('draft', 'standard', 'best'),
  seed: num({ min: 0, max: 2 ** 32, integer: true }),
  model,
  seeds: optional(num({ min: 1, max: 64 })),
  iterations: optional(num({ min: 1, max: 1e6 })),
  /** What the strokes draw (engine SketchOptions.subject); default 'auto'. */
  subject: optional(literal('auto', 'off')),
  /** Strokes to start from (engine SketchOptions.initial): image pixels, 8 numbers a stroke; frozen never move. */
  initial: optional(
    object({
      points: array(num({ min: -1e9, max: 1e9 }), { max: 8 * MAX_STROKES }),
      frozen: array(num({ min: 0, max: MAX_STROKES - 1, integer: true }), { max: MAX_STROKES }),
    }),
  ),
  /** Strokes added where the drawing misses the subject most / least useful ones removed (engine add, remove). */
  add: optional(num({ min: 0, max: MAX_STROKES, integer: true })),
  remove: optional(num({ min: 0, max: MAX_STROKES, integer: true })),
});

const runFields = {
  runId,
  /** Subject pixels (straight RGBA), transferred. */
  width: num({ min: 1, max: MAX_IMAGE_SIDE, integer: true }),
  height: num({ min: 1, max: MAX_IMAGE_SIDE, integer: true }),
  pixels: clampedBytes({ max: 4 * MAX_IMAGE_SIDE * MAX_IMAGE_SIDE, multipleOf: 4 }),
  options: runOptions,
  backend: backendChoice,
  /** Set when the main thread already knows WebGPU is missing (navigator.gpu absent). */
  webgpuUnavailable: optional(text()),
  /** Why the run is on the CPU when backend is 'cpu' and the user did not choose it. */
  cpuReason: optional(text()),
  /**
   * Forces the CPU path's shard count (integer 1-4; 1 = the engine worker alone), for tests
   * and the bench; by default min(batch, cores, 4) for the embedded model. The engine checks
   * its range (loss-workers.ts checkShards) like the run's other options.
   */
  shards: optional(anyNumber),
};
const runShape = object(runFields);
const runRequest: typeof runShape = (v, path) => {
  const r = runShape(v, path);
  if (r.pixels.length !== 4 * r.width * r.height)
    throw new ProtocolError(`${path}.pixels: ${r.pixels.length} bytes for ${r.width} x ${r.height} RGBA pixels`);
  return r;
};
export type RunRequest = Infer<typeof runRequest>;

const subjectSummary = object({ source: literal('alpha', 'estimate', 'whole', 'off'), busy: bool });
/** On the first strokes of a run: what they are fitted to (engine SubjectSummary, in short). */
export type WireSubject = Infer<typeof subjectSummary>;

const sketchFields = {
  /** N*8 numbers: each stroke's four control points in subject units [0, 1]. */
  unitPoints: float32({ max: 8 * MAX_STROKES, multipleOf: 8 }),
  iteration: count,
  iterations: count,
  loss: anyNumber,
  bestLoss: anyNumber,
  elapsedMs: anyNumber,
  etaMs: anyNumber,
  subject: optional(subjectSummary),
};
const sketch = object(sketchFields);
export type WireSketch = Infer<typeof sketch>;

const result = object({
  ...sketchFields,
  /** Clean loss of the winning seed's starting strokes (for a refine: the drawing as it was). */
  lossInitial: anyNumber,
  /** Per stroke, with `initial`: the initial stroke it continues, or -1 when added. */
  origin: optional(array(num({ min: -1, max: MAX_STROKES - 1, integer: true }), { max: MAX_STROKES })),
  canvasSize: count,
  canvasWidth: anyNumber,
  cancelled: bool,
  stoppedEarly: bool,
  lossHistory: array(anyNumber, { max: 1e6 }),
  seed: anyNumber,
  perIterationMs: anyNumber,
  totalMs: anyNumber,
});
export type WireResult = Infer<typeof result>;

/** A WeightSet as data: entries rebased to payload. */
const weights = object({
  entries: array(
    object({
      name: text(1000),
      dtype: literal('F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'),
      shape: array(count, { max: 16 }),
      begin: count,
      end: count,
    }),
    { max: 100_000 },
  ),
  payload: bytes({ max: MAX_WEIGHT_BYTES }),
  sha256: str({ min: 64, max: 64 }),
});
export type WireWeights = Infer<typeof weights>;

const gpuFacts = object({
  api: bool,
  adapter: nullable(bool),
  vendor: optional(text()),
  architecture: optional(text()),
  fallback: optional(bool),
  shaderF16: optional(bool),
  problem: optional(text()),
});
const storageFacts = object({ works: bool, detail: text() });
/** What a scope has (window-facts.ts ScopeFacts, checked). */
const scopeFacts = object({
  scheme: text(100),
  origin: text(),
  secureContext: bool,
  crossOriginIsolated: bool,
  gpu: gpuFacts,
  cores: nullable(num({ min: 0, max: 1e6 })),
  deviceMemoryGb: nullable(num({ min: 0, max: 1e6 })),
  indexedDb: storageFacts,
  cacheStorage: storageFacts,
});

/** How a model became ready: downloaded, or this window's kept copy (re-verified), and whether it was kept. */
const obtained = object({
  source: literal('download', 'stored'),
  /** The commit the weights came from, where an answer named it. */
  repoCommit: optional(text(200)),
  /** Why a download lives only in memory this session. */
  notKept: optional(text()),
});
const repoCommit = object({ repoCommit: optional(text(200)) });
/** The CLIP models this window keeps between sessions (worker/model-store.ts), or why none. */
const storedModels = object({
  models: array(object({ id: model, revision: text(200), bytes: count }), { max: 1000 }),
  unavailable: optional(text()),
  /** Bytes freed by a removal. */
  freed: optional(count),
});

export const UI_TO_ENGINE = {
  run: { request: runRequest, response: result },
  cancel: { request: object({ runId }), response: empty },
  /** Makes a CLIP model ready: this window's kept copy, else downloaded, verified, compiled and kept where possible. */
  download: { request: object({ model }), response: obtained },
  cancelDownload: { request: object({ model }), response: empty },
  /** Weights the user picked from disk for a downloadable model. */
  loadWeights: { request: object({ model, bytes: bytes({ min: 1, max: MAX_WEIGHT_BYTES }), name: text(1000) }), response: repoCommit },
  /** Worker: hand the verified weights of a model over for the main-thread engine; null when it kept none. */
  exportWeights: { request: object({ model }), response: object({ weights: nullable(weights) }) },
  /** Main-thread engine: compile these weights (handed over by the worker). */
  adoptWeights: { request: object({ model, weights }), response: empty },
  /**
   * Worker: prepare the model and its CPU loss sessions of these batch sizes (seeds x views)
   * before any run, at low priority (worker/warm.ts); answered at once, followed by 'warm' events.
   */
  warm: {
    request: object({ model, batches: array(num({ min: 1, max: 256, integer: true }), { max: 16 }), shards: optional(anyNumber) }),
    response: empty,
  },
  /** What this scope has (About this window). */
  facts: { request: empty, response: scopeFacts },
  storedModels: { request: empty, response: storedModels },
  /** Removes every kept model; the reply says what is left and the bytes freed. */
  removeStoredModels: { request: empty, response: storedModels },
};

// ---- engine -> UI --------------------------------------------------------------------

const booted = object({ ortBuild: text(), host: literal('worker', 'main'), secure: bool, webgpu: bool });
/** host: where this engine runs; webgpu: whether navigator.gpu exists there. */
export type Booted = Infer<typeof booted>;

const backendInfo = object({ backend: literal('cpu', 'webgpu'), label: text(), reason: text() });
export type WireBackend = Infer<typeof backendInfo>;

export const ENGINE_TO_UI = {
  booted: { event: booted },
  backend: { event: object({ runId, info: backendInfo }) },
  progress: { event: object({ runId, phase: literal('init', 'optimize'), sketch }) },
  /** The GPU device was lost at `iteration`: the run continues on the CPU. */
  deviceLost: { event: object({ runId, message: text(), iteration: count }) },
  downloadProgress: { event: object({ model, bytesDone: count, bytesTotal: count }) },
  /** The warm-up's progress; 'failed' is no error (a run that needs the same reports it). */
  warm: { event: object({ model, state: literal('warming', 'warm', 'stopped', 'failed'), ms: anyNumber, message: optional(text()) }) },
};

export type UiToEngine = MapOf<typeof UI_TO_ENGINE>;
export type EngineToUi = MapOf<typeof ENGINE_TO_UI>;

/** The UI's side of one engine host. No timeouts: a run or a download takes as long as it takes. */
export function createEngineClientEndpoint(transport: Transport): Endpoint<EngineToUi, UiToEngine> {
  return createEndpoint<EngineToUi, UiToEngine>({ protocol: ENGINE_PROTOCOL, receives: ENGINE_TO_UI, sends: UI_TO_ENGINE }, transport, {
    timeoutMs: 0,
  });
}

/** The engine host's side. */
export function createEngineHostEndpoint(transport: Transport): Endpoint<UiToEngine, EngineToUi> {
  return createEndpoint<UiToEngine, EngineToUi>({ protocol: ENGINE_PROTOCOL, receives: UI_TO_ENGINE, sends: ENGINE_TO_UI }, transport, {
    timeoutMs: 0,
  });
}
