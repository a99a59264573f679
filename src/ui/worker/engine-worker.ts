// The engine host: runs sketchify for the UI. It owns the onnxruntime-web runtime (wasm
// inlined), the models (kept for the session) and the GPUDevice. One bundle, two hosts
// (src/ui/engine/host.ts): normally a worker, so the UI never freezes; on the iframe's main
// thread only for a WebGPU run when the worker gets no WebGPU (there an iteration is GPU
// dispatch, not compute). In a worker it serves `self`; on a main thread it exposes
// `globalThis.sketchifyEngine.connect(port)`. Both speak src/ui/engine/protocol.ts.
// Backend: WebGPU when a hardware adapter opens a device (or the user forces the GPU), else
// the CPU path. A device lost mid-run is the engine's own fallback (SketchProgress.fallback):
// the run continues on the CPU from its last sync point and the UI is told once.
// The CPU path with the embedded model splits each batch over this worker and loss workers it
// starts (loss-workers.ts); the same bundle started under LOSS_WORKER_NAME is one of those.
import { resolveOptions, sketchify, type SketchProgress } from '../../engine/index.ts';
import { transferring, type Endpoint, type Transferring } from '../../common/rpc/endpoint.ts';
import { portTransport, type MessagePortLike } from '../../common/rpc/port-transport.ts';
import { toWireError } from '../../common/rpc/wire-error.ts';
import type { MainThreadEngine } from '../engine/main-host.ts';
import { LOSS_WORKER_NAME } from './bootstrap.ts';
import { chooseBackend, gpuProbe, inWorker } from './choose-backend.ts';
import { serveLossWorker } from './loss-worker.ts';
import { checkShards, chunkSizes, LossWorkerPool, PooledLossModel, shardCount } from './loss-workers.ts';
import {
  adoptWeights,
  cancelDownload,
  downloadModel,
  handOverWeights,
  loadModel,
  loadModelFromFile,
  prepareCpuLoss,
  removeStoredModels,
  storedModels,
  type Obtained,
} from './models.ts';
import {
  createEngineHostEndpoint,
  type EngineToUi,
  type RunRequest,
  type UiToEngine,
  type WireResult,
  type WireSketch,
} from '../engine/protocol.ts';
import { ORT_BUILD } from './ort.ts';
import { WarmUp } from './warm.ts';
import { gatherScopeFacts } from '../window-facts.ts';

/** The UI's end, once serving. */
let ui: Endpoint<UiToEngine, EngineToUi> | null = null;
/** Tells the UI; an event that fails its own check is a bug to log, never a reason to fail the run. */
const tell: Endpoint<UiToEngine, EngineToUi>['notify'] = (type, payload) => {
  try {
    ui?.notify(type, payload);
  } catch (error) {
    console.error(`Sketchify: the engine's '${type}' event was not sent (${String(error)})`);
  }
};

const runs = new Map<number, AbortController>();
const warmUp = new WarmUp();
const lossWorkers = new LossWorkerPool();

function wire(
  p: Pick<SketchProgress, 'unitPoints' | 'iteration' | 'iterations' | 'loss' | 'bestLoss' | 'elapsedMs' | 'etaMs' | 'subject'>,
): WireSketch {
  const sketch: WireSketch = {
    unitPoints: p.unitPoints.slice(),
    iteration: p.iteration,
    iterations: p.iterations,
    loss: p.loss,
    bestLoss: p.bestLoss,
    elapsedMs: p.elapsedMs,
    etaMs: p.etaMs,
  };
  if (p.subject) sketch.subject = { source: p.subject.source, busy: p.subject.busy };
  return sketch;
}

/**
 * Before the first run: the model (the page's first ORT session: wasm compile and runtime
 * init, seconds) and its CPU loss sessions of the given batch sizes, unless runs here would go
 * to the GPU (then the GPU loss session is built per run). A run stops it (runSketch).
 */
async function warm(model: string, batches: readonly number[], shards?: number): Promise<void> {
  const t0 = performance.now();
  tell('warm', { model, state: 'warming', ms: 0 });
  const cpuRuns = async () => {
    if (!(navigator as Navigator & { gpu?: GPU }).gpu) return true;
    const probe = await gpuProbe();
    return !probe.device || probe.software;
  };
  let forced: number | undefined;
  try {
    forced = checkShards(shards);
  } catch {
    forced = 1; // a bad hook value: a run reports it; no loss workers meanwhile
  }
  const shardsFor = (batch: number) => (shardable(model) ? shardCount(batch, navigator.hardwareConcurrency, forced) : 1);
  // A sharded batch runs here at shard 0's chunk size, not the whole batch.
  const local = batches.map((batch) => chunkSizes(batch, shardsFor(batch))[0]);
  const outcome = await warmUp.start([
    () => loadModel(model),
    ...[...new Set(local)].map((batch) => async () => {
      if (await cpuRuns()) await prepareCpuLoss(model, batch);
    }),
  ]);
  const message = outcome.error === undefined ? undefined : toWireError(outcome.error).message;
  tell('warm', { model, state: outcome.state, ms: Math.round(performance.now() - t0), message });
  // Then, at low priority (the local model is ready), the loss workers: a run never waits.
  const batch = Math.max(...batches);
  if (outcome.state === 'warm' && shardable(model) && (await cpuRuns())) startLossWorkers(batch, shardsFor(batch));
}

/**
 * Only the embedded model is sharded: each loss worker holds its own copy of the model, which
 * for a CLIP model would be hundreds of MB per worker (RN101's weights alone ~0.2 GB).
 */
function shardable(model: string): boolean {
  return model === 'embedded' && inWorker;
}

function startLossWorkers(batch: number, shards: number): void {
  if (shards > 1) lossWorkers.ensure(shards - 1, chunkSizes(batch, shards).slice(1));
}

/** The run's shard count, validated like the engine's options (a RangeError for the UI). */
function runShards(req: RunRequest, backend: 'cpu' | 'webgpu'): { shards: number; batch: number } {
  const forced = checkShards(req.shards);
  if (backend !== 'cpu' || !shardable(req.options.model)) return { shards: 1, batch: 1 };
  let batch: number;
  try {
    const o = resolveOptions({ preset: req.options.preset, seeds: req.options.seeds });
    batch = o.seeds * (1 + o.views);
  } catch {
    return { shards: 1, batch: 1 }; // sketchify reports the bad option
  }
  return { shards: shardCount(batch, navigator.hardwareConcurrency, forced), batch };
}

/** "CPU, 2 workers" (the engine worker counts): how many computed the run's loss. */
function cpuLabel(running: number, planned: number): string {
  if (planned <= 1) return 'CPU';
  return running === planned ? `CPU, ${planned} workers` : `CPU, ${running} of ${planned} workers`;
}

/** A refine's engine options (only when given: a plain run's options stay as they were). */
function refineOptions(req: RunRequest): { initial?: { points: number[]; frozen: number[] }; add?: number; remove?: number } {
  const { initial, add, remove } = req.options;
  return { ...(initial && { initial }), ...(add !== undefined && { add }), ...(remove !== undefined && { remove }) };
}

async function runSketch(req: RunRequest, controller: AbortController): Promise<Transferring<WireResult>> {
  // The warm-up's step in progress (e.g. the model this run needs) finishes first, no more.
  await warmUp.yieldToRun();
  const image = { width: req.width, height: req.height, data: req.pixels };
  const choice = await chooseBackend(req);
  const { shards, batch } = runShards(req, choice.info.backend);
  // The label follows the workers in use: one joining mid-run, one lost (PooledLossModel).
  let running = 1 + Math.min(lossWorkers.ready().length, shards - 1);
  const label = (n: number) => ({ ...choice.info, label: cpuLabel(n, shards) });
  tell('backend', { runId: req.runId, info: shards > 1 ? label(running) : choice.info });
  let model = await loadModel(req.options.model);
  if (shards > 1) {
    startLossWorkers(batch, shards);
    model = new PooledLossModel(model, lossWorkers, shards, (n) => {
      if (n !== running) tell('backend', { runId: req.runId, info: label((running = n)) });
    });
  }
  let fellBack = false;
  const result = await sketchify(
    image,
    {
      strokes: req.options.strokes,
      width: req.options.width,
      preset: req.options.preset,
      seed: req.options.seed,
      model: req.options.model,
      backend: choice.info.backend,
      seeds: req.options.seeds,
      iterations: req.options.iterations,
      subject: req.options.subject,
      ...refineOptions(req),
    },
    {
      model,
      gpuDevice: choice.device,
      signal: controller.signal,
      progressIntervalMs: 100,
      onProgress: (p) => {
        // The engine moved the run to the CPU itself (device lost): say so once.
        if (p.fallback && !fellBack) {
          fellBack = true;
          tell('deviceLost', { runId: req.runId, message: p.fallback.reason, iteration: p.fallback.iteration });
          tell('backend', {
            runId: req.runId,
            info: {
              backend: 'cpu',
              label: 'CPU',
              reason: `the GPU device was lost at iteration ${p.fallback.iteration}, so the run continues on the CPU`,
            },
          });
        }
        tell('progress', { runId: req.runId, phase: p.phase, sketch: wire(p) });
      },
    },
  );
  const points = result.unitPoints.slice();
  return transferring(
    {
      ...wire({
        ...result,
        iteration: result.iterations,
        iterations: result.iterations,
        loss: result.lossFinal,
        bestLoss: result.lossFinal,
        elapsedMs: result.timings.totalMs,
        etaMs: 0,
      }),
      unitPoints: points,
      lossInitial: result.lossInitial,
      origin: result.origin,
      canvasSize: result.canvasSize,
      canvasWidth: result.canvasWidth,
      cancelled: result.cancelled,
      stoppedEarly: result.stoppedEarly,
      lossHistory: result.lossHistory,
      seed: result.seed,
      perIterationMs: result.timings.perIterationMs,
      totalMs: result.timings.totalMs,
    },
    [points.buffer],
  );
}

/**
 * Makes a model ready (kept copy or download); resolves with how. A progress event per
 * received chunk would be thousands: at most one per 100 ms, and the latest always follows (a
 * stalled connection must not hide bytes received).
 */
async function download(model: string): Promise<Obtained> {
  let last = 0;
  let pending: ReturnType<typeof setTimeout> | null = null;
  let latest = { bytesDone: 0, bytesTotal: 0 };
  const flush = () => {
    pending = null;
    last = performance.now();
    tell('downloadProgress', { model, ...latest });
  };
  try {
    return await downloadModel(model, (bytesDone, bytesTotal) => {
      latest = { bytesDone, bytesTotal };
      if (pending === null) pending = setTimeout(flush, Math.max(0, 100 - (performance.now() - last)));
    });
  } finally {
    // A throttled progress event still pending when the download ends must not arrive after
    // the reply: it would turn "ready" (or a cancelled download) back into "downloading".
    if (pending !== null) clearTimeout(pending);
  }
}

/** Starts serving on `port`: the worker scope, or a MessagePort from the main thread. */
function serve(port: MessagePortLike): void {
  ui = createEngineHostEndpoint(portTransport(port));
  ui.on('run', async (req) => {
    const controller = new AbortController();
    runs.set(req.runId, controller);
    try {
      return await runSketch(req, controller);
    } finally {
      runs.delete(req.runId);
    }
  });
  ui.on('cancel', ({ runId }) => void runs.get(runId)?.abort());
  ui.on('facts', () => gatherScopeFacts());
  ui.on('download', ({ model }) => download(model));
  ui.on('cancelDownload', ({ model }) => cancelDownload(model));
  ui.on('storedModels', () => storedModels());
  ui.on('removeStoredModels', async () => {
    try {
      const freed = await removeStoredModels();
      return { ...(await storedModels()), freed };
    } catch (error) {
      return { ...(await storedModels()), unavailable: `could not remove: ${(error as Error).message}` };
    }
  });
  // Copied, not transferred: the worker's model still reads them.
  ui.on('exportWeights', ({ model }) => ({ weights: handOverWeights(model) }));
  ui.on('warm', ({ model, batches, shards }) => void warm(model, batches, shards));
  ui.on('adoptWeights', ({ model, weights }) => adoptWeights(model, weights));
  ui.on('loadWeights', async ({ model, bytes, name }) => ({ repoCommit: await loadModelFromFile(model, bytes, name) }));
  ui.connect();
  const secure = self.isSecureContext;
  tell('booted', {
    ortBuild: ORT_BUILD,
    host: inWorker ? 'worker' : 'main',
    secure,
    webgpu: 'gpu' in navigator && !!(navigator as Navigator & { gpu?: GPU }).gpu,
  });
}

if (inWorker && self.name === LOSS_WORKER_NAME) serveLossWorker();
else if (inWorker) {
  // Diagnostics and the test hook that stops a loss worker mid-run (LossWorkerPool.crash).
  (globalThis as { sketchifyLossWorkers?: LossWorkerPool }).sketchifyLossWorkers = lossWorkers;
  serve(self as unknown as MessagePortLike);
} else {
  const engine: MainThreadEngine = { connect: (port) => serve(port) };
  (globalThis as { sketchifyEngine?: MainThreadEngine }).sketchifyEngine = engine;
}
