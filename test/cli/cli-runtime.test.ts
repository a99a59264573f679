// The CLI's CPU runtime: onnxruntime-node when installed (an optional dependency, installed by npm ci), wasm on
// request; both compute the same loss and gradient for the embedded model (float32 kernels
// with different summation orders: 1e-4 relative on the loss (measured 1e-7), 1e-3 relative L2
// on the gradient).
import { describe, expect, it } from 'vitest';
import { cpuRuntime, embeddedLossModel, readEmbeddedWeights } from '../../src/cli/models.ts';
import { createRandom } from '../../src/engine/random.ts';

describe('CLI CPU runtime', () => {
  it('is onnxruntime-node here, wasm when asked, and both agree on the embedded loss graph', async () => {
    const node = await cpuRuntime();
    const wasm = await cpuRuntime('wasm');
    expect(node.name).toBe('onnxruntime-node');
    expect(wasm.name).toBe('onnxruntime-web (wasm)');
    const bytes = await readEmbeddedWeights();
    const random = createRandom(7);
    const size = 224;
    const target = Float32Array.from({ length: 3 * size * size }, () => random());
    // Smooth gray views: binary 0/1 views put many activations on exact ReLU6 ties, where float32
    // rounding flips masks (relative L2 1.6e-3 there; ORT-node 'all' vs 'extended' differ as much).
    const views = Float32Array.from({ length: 2 * size * size }, () => 0.3 + 0.7 * random());
    const results = [];
    for (const rt of [node, wasm]) {
      const model = await embeddedLossModel(bytes, rt);
      const features = await model.targetFeatures(Float32Array.from([...target, ...target]), 2);
      results.push(await model.lossAndGradient(views, features, model.defaultWeights));
      await model.dispose();
    }
    const [a, b] = results;
    expect(a.loss).toBeGreaterThan(0);
    expect(Math.abs(a.loss - b.loss)).toBeLessThanOrEqual(1e-4 * b.loss);
    // Relative L2 error of the gradient: single pixels may differ more where a ReLU6 mask
    // flips on a float32 tie (measured 3.4e-4).
    let norm = 0,
      diff = 0;
    for (let i = 0; i < b.grad.length; i++) {
      norm += b.grad[i] ** 2;
      diff += (a.grad[i] - b.grad[i]) ** 2;
    }
    console.log(JSON.stringify({ loss: [a.loss, b.loss], relL2: Math.sqrt(diff / norm) }));
    expect(norm).toBeGreaterThan(0);
    expect(Math.sqrt(diff / norm)).toBeLessThanOrEqual(1e-3);
  }, 120_000);
});
