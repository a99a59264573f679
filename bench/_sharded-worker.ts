// A loss worker for bench/sharded.ts: the embedded model on one wasm thread, served on the
// worker's port (the Node counterpart of src/ui/worker/loss-worker.ts).
import { workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-web';
import { embeddedLossModel } from '../src/cli/models.ts';
import { serveLossModel, type LossPort } from '../src/engine/index.ts';

ort.env.wasm.numThreads = 1;
const { weights, batches, port } = workerData as { weights: Uint8Array; batches: number[]; port: LossPort };
const model = await embeddedLossModel(weights, { ort });
// Sessions of the batch sizes this worker will run, before it answers the handshake.
const S = model.size;
for (const b of batches) {
  const targets = await model.targetFeatures(new Float32Array(b * 3 * S * S), b);
  await model.lossAndGradient(new Float32Array(b * S * S), targets, model.defaultWeights);
}
serveLossModel(port, model);
