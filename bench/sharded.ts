// `npm run bench -- sharded`: one lossAndGradient of the embedded model on one wasm thread
// (as in Figma's iframe) at the presets' batches, unsharded and split over K shards: shard 0
// in this thread, K-1 in worker_threads behind serveLossModel (bench/_sharded-worker.ts).
// Also the remote round trip alone (K=1 over a port) to show the messaging overhead.
// Meaningful only with K idle cores: the row carries the load average and the core count.
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-web';
import { embeddedLossModel } from '../src/cli/models.ts';
import { connectRemoteLossModel, type RemoteLossModel, ShardedLossModel, splitBatch, type LossModel } from '../src/engine/index.ts';
import { embeddedWeights } from '../test/helpers/embedded-weights.ts';
import type { Emit } from './run.ts';
import { medianMs } from './util.ts';

ort.env.wasm.numThreads = 1;

const BATCHES = (process.env.SHARDED_BATCHES ?? '2,4').split(',').map(Number);
const MAX_K = Number(process.env.SHARDED_MAX_K ?? Math.min(4, availableParallelism()));
const RUNS = Number(process.env.SHARDED_RUNS ?? 8);

async function startWorker(
  weights: Uint8Array,
  batches: number[],
): Promise<{ remote: RemoteLossModel; worker: Worker; port: MessagePort }> {
  // A channel of its own: a Node Worker is an EventEmitter, its ports are EventTargets.
  const { port1, port2 } = new MessageChannel();
  const entry = new URL('./_sharded-worker.ts', import.meta.url).href;
  const worker = new Worker(new URL('./_tsx-worker.mjs', import.meta.url), {
    workerData: { entry, weights, batches, port: port2 },
    transferList: [port2 as never],
  });
  const failed = new AbortController();
  worker.on('error', (e) => failed.abort(e));
  const remote = await connectRemoteLossModel(port1, { signal: failed.signal });
  worker.on('error', (e) => remote.fail(e));
  return { remote, worker, port: port1 };
}

export async function run(emit: Emit): Promise<void> {
  const weights = await embeddedWeights();
  const local = await embeddedLossModel(weights, { ort });
  const S = local.size;
  // Every chunk size any K up to MAX_K gives, so no session compiles while timing.
  const chunkBatches = [
    ...new Set(BATCHES.flatMap((B) => [B, ...Array.from({ length: MAX_K }, (_, k) => splitBatch(B, k + 1).map((c) => c.count)).flat()])),
  ];
  const workers = await Promise.all(Array.from({ length: MAX_K - 1 }, () => startWorker(weights, chunkBatches)));
  const base = {
    cores: availableParallelism(),
    load1: Number(loadavg()[0].toFixed(2)),
    runtime: 'onnxruntime-web wasm, 1 thread per shard',
  };
  for (const B of BATCHES) {
    const targets = await local.targetFeatures(new Float32Array(B * 3 * S * S).fill(0.5), B);
    const views = new Float32Array(B * S * S).fill(1);
    for (let i = 0; i < views.length; i += 37) views[i] = 0;
    const time = (model: LossModel): Promise<number> =>
      medianMs(() => model.lossAndGradient(views, targets, local.defaultWeights), RUNS, 2);
    const single = await time(local);
    emit({ case: `B=${B} K=1 local`, batch: B, shards: 1, ms: Number(single.toFixed(1)), ...base });
    if (workers.length > 0) {
      const remoteMs = await time(workers[0].remote);
      emit({
        case: `B=${B} K=1 remote`,
        batch: B,
        shards: 1,
        ms: Number(remoteMs.toFixed(1)),
        overheadMs: Number((remoteMs - single).toFixed(1)),
        ...base,
      });
    }
    for (let k = 2; k <= Math.min(MAX_K, B); k++) {
      const sharded = new ShardedLossModel([local, ...workers.slice(0, k - 1).map((w) => w.remote)]);
      const ms = await time(sharded);
      emit({
        case: `B=${B} K=${k}`,
        batch: B,
        shards: k,
        chunks: splitBatch(B, k).map((c) => c.count),
        ms: Number(ms.toFixed(1)),
        speedup: Number((single / ms).toFixed(2)),
        ...base,
      });
    }
  }
  for (const w of workers) {
    await w.remote.dispose();
    await w.worker.terminate();
    w.port.close();
  }
  await local.dispose();
}
