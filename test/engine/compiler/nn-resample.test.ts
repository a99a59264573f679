// The in-graph antialiased downsampling (src/engine/compiler/resample.ts): the strided-Conv phase
// form run by onnxruntime-web equals the direct application of its taps, and its gradient
// equals the exact adjoint (large sizes) and central differences (small sizes).
import { describe, expect, it } from 'vitest';
import { appendInputGradients } from '../../../src/engine/compiler/autodiff.ts';
import { Graph } from '../../../src/engine/compiler/graph.ts';
import { mul } from '../../../src/engine/compiler/ops/elementwise.ts';
import { reduceSum } from '../../../src/engine/compiler/ops/reduce.ts';
import { reshape } from '../../../src/engine/compiler/ops/shape.ts';
import { downsampleLinear, linearResampleTaps } from '../../../src/engine/compiler/resample.ts';
import { compareGradients, numericGradients, randomArray, runOrt } from '../../helpers/nn-check.ts';

/** Separable application of the taps: [C, m, m] -> [C, n, n] (float64). */
function direct(x: Float32Array, c: number, m: number, n: number): Float64Array {
  const taps = linearResampleTaps(m, n);
  const rows = new Float64Array(c * m * n);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < m; y++)
      for (let o = 0; o < n; o++) {
        let s = 0;
        taps[o].weights.forEach((w, i) => (s += w * x[(ch * m + y) * m + taps[o].start + i]));
        rows[(ch * m + y) * n + o] = s;
      }
  const out = new Float64Array(c * n * n);
  for (let ch = 0; ch < c; ch++)
    for (let o = 0; o < n; o++)
      for (let col = 0; col < n; col++) {
        let s = 0;
        taps[o].weights.forEach((w, i) => (s += w * rows[(ch * m + taps[o].start + i) * n + col]));
        out[(ch * n + o) * n + col] = s;
      }
  return out;
}

/** loss = sum(downsample(x) * r): its gradient is the adjoint of the resampling applied to r. */
function lossGraph(c: number, m: number, n: number): Graph {
  const g = new Graph('resample');
  const x = g.input('x', [1, c, m, m], { requiresGrad: true });
  const r = g.input('r', [1, c, n, n]);
  g.output(reshape(reduceSum(mul(downsampleLinear(x, n), r), [0, 1, 2, 3]), []), 'loss');
  appendInputGradients(g, g.outputs[0]);
  return g;
}

describe('linearResampleTaps', () => {
  it('has normalized, in-range taps centred on each output (PIL bilinear)', () => {
    const taps = linearResampleTaps(224, 160);
    expect(taps).toHaveLength(160);
    for (const [o, t] of taps.entries()) {
      expect(t.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(t.start).toBeGreaterThanOrEqual(0);
      expect(t.start + t.weights.length).toBeLessThanOrEqual(224);
      // Weights follow the triangle 1 - |t - c| / 1.4 around c = (o + 0.5) * 1.4 - 0.5.
      const c = (o + 0.5) * 1.4 - 0.5;
      const tri = t.weights.map((_, i) => 1 - Math.abs(t.start + i - c) / 1.4);
      const sum = tri.reduce((a, b) => a + b, 0);
      t.weights.forEach((w, i) => expect(w).toBeCloseTo(tri[i] / sum, 12));
      expect(Math.min(...tri)).toBeGreaterThan(0);
    }
    // Output 0: centre 0.2, taps 0, 1 (input -1 is outside and renormalized away).
    expect(taps[0].start).toBe(0);
    expect(taps[0].weights.length).toBe(2);
  });
});

describe('downsampleLinear', () => {
  it.each([
    [224, 160, 3],
    [12, 8, 2],
    [9, 4, 1],
    [16, 5, 1],
    [10, 10, 1],
  ])('%i -> %i (C=%i) equals the direct application of the taps', async (m, n, c) => {
    const g = new Graph('fwd');
    const x = g.input('x', [1, c, m, m]);
    g.output(downsampleLinear(x, n), 'y');
    const data = randomArray(c * m * m, m * 31 + n, 0.5, 0.5);
    const { y } = await runOrt(g, { x: data });
    const ref = direct(data, c, m, n);
    expect(y.length).toBe(ref.length);
    let worst = 0;
    y.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ref[i]))));
    expect(worst).toBeLessThan(2e-6);
  });

  it('224 -> 160: the gradient equals the exact adjoint', async () => {
    const [c, m, n] = [3, 224, 160];
    const r = randomArray(c * n * n, 5);
    const out = await runOrt(lossGraph(c, m, n), { x: randomArray(c * m * m, 6), r });
    // Adjoint of a linear map: grad_x[i] = sum_o A[o, i] r[o]; probe it through the direct
    // form on unit vectors at a spread of positions, borders included.
    const probe = new Float32Array(c * m * m);
    for (const i of [0, 1, 2, 223, 224 + 5, 111 * 224 + 57, 2 * 224 * 224 + 223 * 224 + 223, 224 * 224 + 100 * 224 + 7]) {
      probe.fill(0);
      probe[i] = 1;
      const column = direct(probe, c, m, n);
      let expected = 0;
      column.forEach((a, o) => (expected += a * r[o]));
      expect(out.grad_x[i], `grad_x[${i}]`).toBeCloseTo(expected, 5);
    }
  });

  it('12 -> 8: the gradient equals central differences', async () => {
    const g = lossGraph(2, 12, 8);
    const feeds = { x: randomArray(2 * 144, 7), r: randomArray(2 * 64, 8) };
    const out = await runOrt(g, feeds);
    const numeric = numericGradients(g, g.outputs[0], feeds, [g.inputs[0]]);
    expect(compareGradients(['x'], [out.grad_x], numeric, 1e-4, 1e-6)).toEqual([]);
  });

  it('rejects upsampling and non-square input', () => {
    const g = new Graph('bad');
    expect(() => downsampleLinear(g.input('a', [1, 1, 8, 8]), 9)).toThrow(/output side/);
    expect(() => downsampleLinear(g.input('b', [1, 1, 8, 6]), 4)).toThrow(/square/);
  });
});
