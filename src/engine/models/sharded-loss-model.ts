// A LossModel that splits each batch across several loss models (shards) of the same network
// and runs the chunks concurrently. In a window that is not cross-origin isolated the wasm
// runtime has one thread per worker, so K workers with one model each use K cores.
//
// The compiled loss is a mean over the batch (nn/loss.ts: sum_l w_l*mean(...) +
// w_sem*mean_b(...), every image contributing the same number of elements), so a batch split
// into chunks of b_k images combines as loss = sum_k (b_k/B)*loss_k (each term likewise) and
// dLoss/dViews is each chunk's gradient scaled by b_k/B, concatenated in order
// (test/engine/models/sharded-loss-model.test.ts checks this against the unsharded model).
import { concatFloat32 } from './float32.ts';
import type { GpuLoss, LossModel, LossResult, LossWeights, TargetFeatures } from './types.ts';

export interface ShardedLossModelOptions {
  /**
   * Told once per shard (by its index in the constructor's list) when a call to it rejected:
   * the shard is dropped for the rest of the model's life and its work goes to the others.
   */
  onShardLost?(index: number, error: unknown): void;
  /**
   * How long (ms) a helper shard may keep the call waiting after shard 0 finished its chunk
   * in `localMs`; past it the shard counts as lost (a worker that hangs or was killed without
   * an error event) and its chunk is recomputed. Default: stallLimitMs.
   */
  stallLimitMs?(localMs: number): number;
}

/** A helper may take 20x shard 0's time, and never less than 10 s, before it counts as stalled. */
export function stallLimitMs(localMs: number): number {
  return Math.max(10_000, 20 * localMs);
}

export class ShardStalledError extends Error {
  override name = 'ShardStalledError';
}

interface Shard {
  index: number;
  model: LossModel;
}

/** Contiguous near-equal chunks [start, count) of `batch` over at most `k` shards, none empty. */
export function splitBatch(batch: number, k: number): { start: number; count: number }[] {
  const n = Math.max(1, Math.min(k, batch));
  const base = Math.floor(batch / n);
  const extra = batch % n;
  const chunks: { start: number; count: number }[] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const count = base + (i < extra ? 1 : 0);
    chunks.push({ start, count });
    start += count;
  }
  return chunks;
}

export class ShardedLossModel implements LossModel {
  readonly id: string;
  readonly size: number;
  readonly taps: readonly string[];
  readonly defaultWeights: LossWeights;
  /** Shard 0's, when it has one: the one-device GPU loop is not sharded. */
  readonly createGpuLossSession?: (device: GPUDevice, batch: number, precision?: 'float32' | 'float16') => Promise<GpuLoss>;
  private readonly all: readonly Shard[];
  /** Shards still answering; shard 0 is always first while the model works. */
  private live: Shard[];
  /** Indices of the shards dropped after a rejection. */
  private readonly lost = new Set<number>();
  private readonly onShardLost?: (index: number, error: unknown) => void;
  private readonly stallLimit: (localMs: number) => number;

  constructor(shards: readonly LossModel[], options: ShardedLossModelOptions = {}) {
    if (shards.length === 0) throw new Error('ShardedLossModel: at least one shard is needed');
    const first = shards[0];
    shards.forEach((s, i) => {
      const why =
        s.id !== first.id
          ? `id '${s.id}' != '${first.id}'`
          : s.size !== first.size
            ? `size ${s.size} != ${first.size}`
            : s.taps.length !== first.taps.length || s.taps.some((t, j) => t !== first.taps[j])
              ? `taps [${s.taps.join(', ')}] != [${first.taps.join(', ')}]`
              : '';
      if (why) throw new Error(`ShardedLossModel: shard ${i} is not the same model as shard 0: ${why}`);
    });
    this.id = first.id;
    this.size = first.size;
    this.taps = first.taps;
    this.defaultWeights = first.defaultWeights;
    this.all = shards.map((model, index) => ({ index, model }));
    this.live = [...this.all];
    this.onShardLost = options.onShardLost;
    this.stallLimit = options.stallLimitMs ?? stallLimitMs;
    if (first.createGpuLossSession) this.createGpuLossSession = first.createGpuLossSession.bind(first);
  }

  /** Shard 0's runtime and the number of shards still in use, e.g. 'onnxruntime-web (wasm) x2'. */
  get runtime(): string {
    return `${this.all[0].model.runtime ?? this.id} x${this.live.length}`;
  }

  /** How many shards are still in use. */
  get shardCount(): number {
    return this.live.length;
  }

  async targetFeatures(images: Float32Array, batch: number): Promise<TargetFeatures> {
    checkBatch(batch, 'targetFeatures');
    const per = 3 * this.size * this.size;
    if (images.length !== batch * per)
      throw new Error(`targetFeatures: expected ${batch}x3x${this.size}x${this.size} = ${batch * per} values, got ${images.length}`);
    const parts = await this.spread(0, batch, (model, start, count) =>
      model.targetFeatures(images.subarray(start * per, (start + count) * per), count),
    );
    if (parts.length === 1) return parts[0].result;
    const names = Object.keys(parts[0].result.tensors);
    const tensors: Record<string, Float32Array> = {};
    for (const name of names) {
      const chunks = parts.map((p) => p.result.tensors[name]);
      if (chunks.some((c) => !c)) throw new Error(`targetFeatures: a shard returned no '${name}' tensor`);
      tensors[name] = concatFloat32(chunks);
    }
    return { batch, tensors };
  }

  async lossAndGradient(views: Float32Array, targets: TargetFeatures, weights: LossWeights): Promise<LossResult> {
    const { batch } = targets;
    checkBatch(batch, 'lossAndGradient');
    const plane = this.size * this.size;
    if (views.length !== batch * plane)
      throw new Error(
        `lossAndGradient: expected ${batch} views of ${this.size}x${this.size} = ${batch * plane} values, got ${views.length}`,
      );
    // Checked here so that a bad input rejects at once rather than looking like lost shards.
    for (const tap of Object.keys(weights.geometric)) {
      if (!this.taps.includes(tap)) throw new Error(`lossAndGradient: unknown tap '${tap}' in weights (taps: ${this.taps.join(', ')})`);
    }
    for (const [name, t] of Object.entries(targets.tensors)) {
      if (t.length % batch !== 0)
        throw new Error(`lossAndGradient: target '${name}' has ${t.length} values, not a multiple of batch ${batch}`);
    }
    const parts = await this.spread(0, batch, (model, start, count) =>
      model.lossAndGradient(views.subarray(start * plane, (start + count) * plane), sliceTargets(targets, start, count), weights),
    );
    if (parts.length === 1) return parts[0].result;
    let loss = 0;
    const terms: Record<string, number> = {};
    const grad = new Float32Array(batch * plane);
    for (const { start, count, result } of parts) {
      const f = count / batch;
      loss += f * result.loss;
      for (const [name, value] of Object.entries(result.terms)) terms[name] = (terms[name] ?? 0) + f * value;
      if (result.grad.length !== count * plane)
        throw new Error(`lossAndGradient: a shard returned ${result.grad.length} gradient values for ${count} views`);
      for (let i = 0; i < result.grad.length; i++) grad[start * plane + i] = f * result.grad[i];
    }
    return { loss, terms, grad };
  }

  saliency(image: Float32Array): Promise<Float32Array> {
    return this.all[0].model.saliency(image);
  }

  /** Disposes every shard (lost ones too, ignoring their errors); rejects if a live one fails. */
  async dispose(): Promise<void> {
    const settled = await Promise.allSettled(this.all.map((s) => s.model.dispose()));
    this.live = [];
    const failed = settled.findIndex((r, i) => r.status === 'rejected' && !this.lost.has(i));
    if (failed >= 0) throw (settled[failed] as PromiseRejectedResult).reason;
  }

  /**
   * Runs images [start, start+count) split over the live shards. A chunk whose shard rejected
   * is run again, split over the shards still live, so the caller sees whole results in order.
   */
  private async spread<R>(
    start: number,
    count: number,
    call: (model: LossModel, start: number, count: number) => Promise<R>,
  ): Promise<{ start: number; count: number; result: R }[]> {
    const shards = this.live;
    if (shards.length === 0 || shards[0].index !== 0) throw new Error('ShardedLossModel: no shard left (disposed)');
    const chunks = splitBatch(count, shards.length).map((c, i) => ({ start: start + c.start, count: c.count, shard: shards[i] }));
    const started = performance.now();
    const calls = chunks.map((c) => call(c.shard.model, c.start, c.count));
    const localMs = calls[0].then(
      () => performance.now() - started,
      () => 0,
    );
    const settled = await Promise.allSettled(calls.map((p, i) => (i === 0 ? p : this.guardStall(p, localMs, chunks[i].shard.index))));
    let fatal: { error: unknown } | undefined;
    settled.forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      const shard = chunks[i].shard;
      if (shard.index === 0) {
        fatal ??= { error: r.reason };
        return;
      }
      if (!this.lost.has(shard.index)) {
        this.live = this.live.filter((s) => s !== shard);
        this.lost.add(shard.index);
        this.onShardLost?.(shard.index, r.reason);
      }
    });
    // Shard 0 runs in the caller's own worker: its failure is the call's, not a lost helper.
    if (fatal) throw fatal.error;
    const out: { start: number; count: number; result: R }[] = [];
    for (let i = 0; i < chunks.length; i++) {
      const r = settled[i];
      if (r.status === 'fulfilled') out.push({ start: chunks[i].start, count: chunks[i].count, result: r.value });
      else out.push(...(await this.spread(chunks[i].start, chunks[i].count, call)));
    }
    return out;
  }

  /** `call`, or a ShardStalledError once it outlasts the stall limit after shard 0 finished. */
  private guardStall<R>(call: Promise<R>, localMs: Promise<number>, index: number): Promise<R> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = localMs.then(
      (ms) =>
        new Promise<never>((_, reject) => {
          const limit = this.stallLimit(ms);
          timer = setTimeout(
            () => reject(new ShardStalledError(`shard ${index} did not answer within ${Math.round(limit)} ms of the local shard`)),
            limit,
          );
        }),
    );
    return Promise.race([call, stalled]).finally(() => clearTimeout(timer));
  }
}

function checkBatch(batch: number, what: string): void {
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`${what}: batch must be a positive integer, got ${batch}`);
}

function sliceTargets(targets: TargetFeatures, start: number, count: number): TargetFeatures {
  const tensors: Record<string, Float32Array> = {};
  for (const [name, t] of Object.entries(targets.tensors)) {
    const per = t.length / targets.batch;
    tensors[name] = t.subarray(start * per, (start + count) * per);
  }
  return { batch: count, tensors };
}
