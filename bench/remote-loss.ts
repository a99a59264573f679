// `npm run bench -- remote-loss`: the cost of the loss-worker messaging alone. A stub loss model
// (no compute: a gradient of the right size, filled once) is served over a MessageChannel in this
// thread and called through connectRemoteLossModel, so one round trip is both ends' work: the
// request's checks, copies and transfers, the server's queue, the reply's checks. Arrays have
// the embedded model's shapes (views and gradient at 224², taps at their feature-map sizes),
// at the batches one loss worker gets (1, 2, 4); there the copies and the garbage they leave
// dominate. A last case with 16² views and tiny taps shows the fixed cost per call (checks,
// envelopes, queue, promises). Rows: calls per second and µs per call, wall and CPU (this
// process, all its threads): CPU time is the steadier figure on a shared machine.
import { connectRemoteLossModel, serveLossModel, type LossModel, type LossResult, type TargetFeatures } from '../src/engine/index.ts';
import type { Emit } from './run.ts';

/** Per image: the two geometric taps and the embedding (block_5 24²x32, block_12 12²x96, 1280). */
const EMBEDDED = { size: 224, taps: { block_5_add: 24 * 24 * 32, block_12_add: 12 * 12 * 96, embedding: 1280 } };
const TINY = { size: 16, taps: { block_5_add: 4, block_12_add: 4, embedding: 4 } };
const CASES = [
  { batch: 1, shape: EMBEDDED },
  { batch: 2, shape: EMBEDDED },
  { batch: 4, shape: EMBEDDED },
  { batch: 1, shape: TINY },
];
const SECONDS = Number(process.env.REMOTE_LOSS_SECONDS ?? 2);

function stubModel(shape: typeof EMBEDDED): LossModel {
  const grads = new Map<number, Float32Array>();
  return {
    id: 'stub',
    size: shape.size,
    taps: ['block_5_add', 'block_12_add'],
    defaultWeights: { geometric: { block_5_add: 1, block_12_add: 1 }, semantic: 0.1 },
    async targetFeatures(_images: Float32Array, batch: number): Promise<TargetFeatures> {
      return { batch, tensors: Object.fromEntries(Object.entries(shape.taps).map(([k, n]) => [k, new Float32Array(batch * n)])) };
    },
    async lossAndGradient(views: Float32Array, targets: TargetFeatures): Promise<LossResult> {
      let grad = grads.get(targets.batch);
      if (!grad) grads.set(targets.batch, (grad = new Float32Array(views.length).fill(1e-3)));
      return { loss: 1, terms: { block_5_add: 0.5, block_12_add: 0.4, semantic: 0.1 }, grad };
    },
    async saliency(): Promise<Float32Array> {
      return new Float32Array(shape.size * shape.size);
    },
    async dispose(): Promise<void> {},
  };
}

export async function run(emit: Emit): Promise<void> {
  for (const { batch, shape } of CASES) {
    const { port1, port2 } = new MessageChannel();
    const model = stubModel(shape);
    const stop = serveLossModel(port2, model);
    const remote = await connectRemoteLossModel(port1);
    const targets = await model.targetFeatures(new Float32Array(0), batch);
    const views = new Float32Array(batch * shape.size * shape.size).fill(0.5);
    const call = () => remote.lossAndGradient(views, targets, model.defaultWeights);
    for (let i = 0; i < 200; i++) await call(); // warm-up: JIT, allocator
    let calls = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    while (performance.now() - t0 < SECONDS * 1000) {
      await call();
      calls++;
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const bytes = 4 * (views.length * 2 + batch * Object.values(shape.taps).reduce((a, b) => a + b, 0));
    emit({
      case: `lossAndGradient B=${batch} S=${shape.size}`,
      batch,
      calls,
      callsPerSecond: Math.round((calls / ms) * 1000),
      usPerCall: Number(((ms / calls) * 1000).toFixed(1)),
      cpuUsPerCall: Number(((cpu.user + cpu.system) / calls).toFixed(1)),
      bytesPerCall: bytes,
    });
    await remote.dispose();
    stop();
    port1.close();
    port2.close();
  }
}
