// Loss workers: the CPU path on K cores. In Figma the plugin window is not cross-origin
// isolated (no SharedArrayBuffer), so onnxruntime-web's wasm runs one thread per worker, and
// one CPU iteration is ~90 % one lossAndGradient over the batch (seeds x views). The engine
// worker starts K-1 nested workers of the same bundle, each serving its own single-threaded
// copy of the embedded model (engine/models/remote-loss-model.ts), and each run splits its
// batch over itself (shard 0) and them (engine/models/sharded-loss-model.ts).
// Policy: the CPU path only (a WebGPU run keeps its one-device loop) and the embedded model
// only: a CLIP model's weights and sessions per worker would multiply hundreds of MB. Workers
// start lazily (after the warm-up, or on the first run that wants them) and are kept for the
// session. A run never waits for them: each call uses the workers ready at that moment
// (PooledLossModel), so a worker that is slow to start, fails to start or crashes only costs
// speed; the backend line says how many workers ran.
import {
  connectRemoteLossModel,
  type RemoteLossModel,
  ShardedLossModel,
  splitBatch,
  type LossModel,
  type LossResult,
  type LossWeights,
  type TargetFeatures,
} from '../../engine/index.ts';
import { LOSS_WORKER_NAME, ownSource, startBundleWorker } from './bootstrap.ts';

/** Most shards a run uses by default (the engine worker included). */
export const MAX_SHARDS = 4;
const START_TIMEOUT_MS = 120_000;
/** After this many workers failed to start or crashed, the session stops starting new ones. */
const MAX_FAILURES = 3;

/**
 * Shards for a CPU run of `batch` images: min(batch, cores, MAX_SHARDS), or the forced count
 * (capped by the batch). `cores`: navigator.hardwareConcurrency.
 */
export function shardCount(batch: number, cores: number, forced?: number): number {
  if (forced !== undefined) return Math.min(forced, batch);
  return Math.max(1, Math.min(batch, Math.floor(cores) || 1, MAX_SHARDS));
}

/** A RunRequest's `shards` (undefined: the default policy), checked like the engine's options. */
export function checkShards(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_SHARDS) {
    throw new RangeError(`run option 'shards' must be an integer between 1 and ${MAX_SHARDS}, got ${String(value)}`);
  }
  return value;
}

/** The batch sizes each shard runs when `batch` is split over `k` shards (shard 0 first). */
export function chunkSizes(batch: number, k: number): number[] {
  return splitBatch(batch, k).map((c) => c.count);
}

/** The setup message on a loss worker's own port (before the loss protocol's port is used). */
export interface LossWorkerSetup {
  type: 'loss-port';
  port: MessagePort;
  /** Batch sizes whose sessions to create before serving. */
  batches: number[];
}

interface Helper {
  worker: Worker;
  remote: RemoteLossModel | null;
}

export class LossWorkerPool {
  private readonly helpers: Helper[] = [];
  private failures = 0;
  /** Errors of workers that failed or crashed, for diagnostics (console). */
  readonly errors: string[] = [];
  /** Start to ready of each worker that became ready, ms (diagnostics, bench). */
  readonly bootMs: number[] = [];

  /** Starts workers until `count` are ready or starting (never waits for them). */
  ensure(count: number, batches: readonly number[]): void {
    while (this.helpers.length < count && this.failures < MAX_FAILURES) this.startOne([...batches]);
  }

  /** Remote models of the workers ready now, in start order. */
  ready(): RemoteLossModel[] {
    return this.helpers.flatMap((h) => (h.remote ? [h.remote] : []));
  }

  /** A worker's model failed (its call rejected): it is dropped for the session. */
  lose(remote: LossModel, error: unknown): void {
    const helper = this.helpers.find((h) => h.remote === remote);
    if (helper) this.drop(helper, error);
  }

  /** Test hook: stops ready worker `index` as a crash would (pending calls reject). */
  crash(index: number): boolean {
    const helper = this.helpers.filter((h) => h.remote)[index];
    if (!helper) return false;
    this.drop(helper, new Error('the loss worker was stopped by a test'));
    return true;
  }

  private drop(helper: Helper, error: unknown): void {
    const i = this.helpers.indexOf(helper);
    if (i < 0) return;
    this.helpers.splice(i, 1);
    this.failures++;
    this.errors.push(error instanceof Error ? error.message : String(error));
    console.warn(`Sketchify: a loss worker stopped (${this.errors.at(-1)}); runs continue on the others`);
    helper.remote?.fail(error instanceof Error ? error : new Error(String(error)));
    helper.worker.terminate();
  }

  private startOne(batches: number[]): void {
    const source = ownSource();
    const helper: Helper = { worker: null as unknown as Worker, remote: null };
    this.helpers.push(helper);
    // The way the engine worker itself started: data: bootstrap first where we have the Blob,
    // the blob URL next (or only: an engine worker started from its blob URL has no Blob).
    const attempts: (() => Worker)[] = source
      ? [() => startBundleWorker(source, LOSS_WORKER_NAME, true), () => startBundleWorker(source, LOSS_WORKER_NAME, false)]
      : [() => new Worker(location.href, { name: LOSS_WORKER_NAME })];
    const next = async (): Promise<void> => {
      const attempt = attempts.shift()!;
      try {
        await this.boot(helper, attempt, batches);
      } catch (error) {
        if (!this.helpers.includes(helper)) return;
        if (attempts.length > 0) return next();
        this.drop(helper, error);
      }
    };
    void next();
  }

  /** Starts one worker and connects to its model; rejects if it fails before it is ready. */
  private boot(helper: Helper, start: () => Worker, batches: number[]): Promise<void> {
    const t0 = performance.now();
    const controller = new AbortController();
    const worker = start();
    helper.worker = worker;
    worker.onerror = (event) => {
      event.preventDefault();
      const error = new Error(event.message || 'the loss worker failed');
      if (!helper.remote) {
        controller.abort(error);
        worker.terminate();
      } else this.drop(helper, error);
    };
    const channel = new MessageChannel();
    const setup: LossWorkerSetup = { type: 'loss-port', port: channel.port2, batches };
    worker.postMessage(setup, [channel.port2]);
    const timer = setTimeout(() => {
      controller.abort(new Error('the loss worker did not start'));
      worker.terminate();
    }, START_TIMEOUT_MS);
    return connectRemoteLossModel(channel.port1, { signal: controller.signal })
      .then((remote) => {
        if (!this.helpers.includes(helper)) return void remote.fail(new Error('dropped'));
        helper.remote = remote;
        this.bootMs.push(Math.round(performance.now() - t0));
      })
      .finally(() => clearTimeout(timer));
  }
}

/**
 * The model of one CPU run: shard 0 is the engine worker's own model, the others are the
 * pool's ready workers, up to `shards` in all, looked up again at each call (a worker that
 * becomes ready mid-run joins; one that fails is dropped for the session). Only the batched
 * loss is split: targets and saliency are one-image calls, run locally.
 */
/** What PooledLossModel needs of the pool (LossWorkerPool; a fake in tests). */
export interface ShardSource {
  ready(): LossModel[];
  lose(model: LossModel, error: unknown): void;
}

export class PooledLossModel implements LossModel {
  readonly id: string;
  readonly size: number;
  readonly taps: readonly string[];
  readonly defaultWeights: LossWeights;
  readonly runtime?: string;
  private remotes: LossModel[] = [];
  private sharded: ShardedLossModel;
  private reported = 0;

  constructor(
    private readonly local: LossModel,
    private readonly pool: ShardSource,
    private readonly shards: number,
    /** Told the number of shards in use whenever it changes (and once at the start). */
    private readonly onShards: (count: number) => void,
  ) {
    this.id = local.id;
    this.size = local.size;
    this.taps = local.taps;
    this.defaultWeights = local.defaultWeights;
    this.runtime = local.runtime;
    this.sharded = new ShardedLossModel([local]);
    this.update();
  }

  /** Shards in use now (the engine worker included). */
  get shardCount(): number {
    return this.sharded.shardCount;
  }

  targetFeatures(images: Float32Array, batch: number): Promise<TargetFeatures> {
    return this.local.targetFeatures(images, batch);
  }

  saliency(image: Float32Array): Promise<Float32Array> {
    return this.local.saliency(image);
  }

  async lossAndGradient(views: Float32Array, targets: TargetFeatures, weights: LossWeights): Promise<LossResult> {
    this.update();
    const result = await this.sharded.lossAndGradient(views, targets, weights);
    this.report();
    return result;
  }

  /** The models belong to the session (engine worker cache, pool): nothing to free here. */
  async dispose(): Promise<void> {}

  private update(): void {
    const remotes = this.pool.ready().slice(0, this.shards - 1);
    if (remotes.length !== this.remotes.length || remotes.some((r, i) => r !== this.remotes[i])) {
      this.remotes = remotes;
      this.sharded = new ShardedLossModel([this.local, ...remotes], { onShardLost: (i, error) => this.pool.lose(remotes[i - 1], error) });
    }
    this.report();
  }

  private report(): void {
    const count = this.sharded.shardCount;
    if (count !== this.reported) this.onShards((this.reported = count));
  }
}
