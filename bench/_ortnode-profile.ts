// Scratch (not a suite): the embedded loss-and-gradient graph on onnxruntime-node vs
// onnxruntime-web wasm (1 thread), and ORT-node's per-op-type profile. B from env (default 4).
import { readFileSync } from 'node:fs';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import {
  mobileNetV2,
  MOBILENET_V2_DEFAULT_TAPS,
  MOBILENET_V2_SIZE,
  buildLossGraph,
  serializeModel,
  unpackLayersModel,
  EMBEDDED_EMBEDDING_LAYER,
  EMBEDDED_INPUT_SIZE,
  EMBEDDED_TAP_NORMALIZATION,
} from '../src/engine/index.ts';

const B = Number(process.env.B ?? 4);
const REPS = Number(process.env.REPS ?? 3);
const { model } = unpackLayersModel(new Uint8Array(readFileSync('build/models/embedded-mobilenetv2.bin')));
const arch = mobileNetV2(model, {
  taps: MOBILENET_V2_DEFAULT_TAPS,
  inputSize: EMBEDDED_INPUT_SIZE,
  embedding: EMBEDDED_EMBEDDING_LAYER,
  tapNormalization: EMBEDDED_TAP_NORMALIZATION,
});
const graph = buildLossGraph(arch, { batch: B, size: MOBILENET_V2_SIZE });
const bytes = serializeModel(graph, 'loss');
const feeds = (T: typeof ortWeb.Tensor) => {
  const f: Record<string, ortWeb.Tensor> = {};
  for (const t of graph.inputs) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    f[t.name] = new T(
      'float32',
      Float32Array.from({ length: n }, (_, i) => (t.name.startsWith('w_') ? 1 : ((i * 7919) % 1000) / 1000)),
      [...t.shape],
    );
  }
  return f;
};
async function time(name: string, s: { run(f: unknown): Promise<unknown> }, f: unknown) {
  await s.run(f);
  const t = performance.now();
  for (let i = 0; i < REPS; i++) await s.run(f);
  const ms = (performance.now() - t) / REPS;
  console.log(JSON.stringify({ runtime: name, B, ms: Math.round(ms) }));
  return ms;
}
const which = process.env.WHICH ?? 'node,wasm,profile';
if (which.includes('wasm')) {
  ortWeb.env.wasm.numThreads = 1;
  const s = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  await time('wasm', s, feeds(ortWeb.Tensor));
}
if (which.includes('node')) {
  const threads = Number(process.env.THREADS ?? 1);
  const level = (process.env.OPT ?? 'all') as 'all';
  const s = await ortNode.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: level,
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  await time(`node-${threads}t-${level}`, s, feeds(ortNode.Tensor as unknown as typeof ortWeb.Tensor));
}
if (which.includes('profile')) {
  const s = await ortNode.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: (process.env.OPT ?? 'all') as 'all',
    intraOpNumThreads: 1,
    enableProfiling: true,
    profileFilePrefix: '/tmp/h9/ortprof',
  });
  const f = feeds(ortNode.Tensor as unknown as typeof ortWeb.Tensor);
  await s.run(f);
  await s.run(f);
  const file = (s as unknown as { endProfiling(): string }).endProfiling();
  console.log(JSON.stringify({ profile: file }));
}
process.exit(0);
