// `npx tsx bench/_embedded-timing.ts`: loss-and-gradient time of the embedded configurations of
// issue #6 (raw taps at 160, the previous default; unit-normalized at 160, 192 (shipped), 224),
// wasm one thread, timed in interleaved rounds so that load from other jobs hits all alike.
// Env: B=2 (views per call)  ROUNDS=15
import * as ortWeb from 'onnxruntime-web';
import { readNsfwjsMobileNetV2 } from '../models/build-embedded.ts';
import { countFlops, buildLossGraph, serializeModel, mobileNetV2, packLayersModel, unpackLayersModel } from '../src/engine/index.ts';
ortWeb.env.wasm.numThreads = 1;
const { model: keras } = unpackLayersModel(
  packLayersModel(readNsfwjsMobileNetV2().model, ['out_relu'], { origin: 'bench', licence: 'MIT' }),
);
const B = Number(process.env.B ?? 2);
const configs = [
  { name: '160 raw', inputSize: 160, tapNormalization: 'none' as const },
  { name: '160 unit', inputSize: 160, tapNormalization: 'unit' as const },
  { name: '192 unit', inputSize: 192, tapNormalization: 'unit' as const },
  { name: '224 unit', inputSize: 224, tapNormalization: 'unit' as const },
];
const sessions = [];
for (const c of configs) {
  const g = buildLossGraph(
    mobileNetV2(keras, {
      taps: ['block_4_add', 'block_12_add'],
      inputSize: c.inputSize,
      embedding: 'block_12_add',
      tapNormalization: c.tapNormalization,
    }),
    { batch: B, size: 224 },
  );
  const s = await ortWeb.InferenceSession.create(serializeModel(g), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const feeds: Record<string, ortWeb.Tensor> = {};
  for (const t of g.inputs) {
    const d = new Float32Array(t.size).map((_, i) => 0.5 + 0.4 * Math.sin(i * 0.37));
    if (t.name.startsWith('w_')) d.fill(1);
    feeds[t.name] = new ortWeb.Tensor('float32', d, [...t.shape]);
  }
  await s.run(feeds);
  sessions.push({ c, s, feeds, gflop: countFlops(g) / 1e9, times: [] as number[] });
}
for (let r = 0; r < Number(process.env.ROUNDS ?? 15); r++) {
  for (const x of sessions) {
    const t0 = performance.now();
    await x.s.run(x.feeds);
    x.times.push(performance.now() - t0);
  }
}
for (const x of sessions) {
  const t = [...x.times].sort((a, b) => a - b);
  console.log(
    JSON.stringify({ config: x.c.name, B, gflop: +x.gflop.toFixed(3), medianMs: +t[t.length >> 1].toFixed(1), minMs: +t[0].toFixed(1) }),
  );
}
process.exit(0);
