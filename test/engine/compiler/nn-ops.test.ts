// Every op's forward (vs the float64 reference) and input gradient (vs central differences),
// run by onnxruntime-web wasm. Tolerances: forward |ort - ref| <= 1e-5 + 1e-5|ref|;
// gradient |ort - fd| <= 1e-5 + 1e-4 * max|fd| per input (ORT computes in float32).
import { describe, expect, it } from 'vitest';
import { gradients } from '../../../src/engine/compiler/autodiff.ts';
import { Graph } from '../../../src/engine/compiler/graph.ts';
import { mul, reduceSum } from '../../../src/engine/compiler/index.ts';
import { compareGradients, numericGradients, randomArray, runOrt, shapeSize } from '../../helpers/nn-check.ts';
import { evaluate } from '../../helpers/nn-reference.ts';
import { OP_CASES, type InputSpec } from './nn-op-cases.ts';

function inputValues(spec: InputSpec, seed: number): Float32Array {
  const n = shapeSize(spec.shape);
  if (Array.isArray(spec.values)) return Float32Array.from(spec.values);
  if (spec.values === 'positive') return randomArray(n, seed, 0.5, 1);
  const v = randomArray(n, seed, 2);
  for (let i = 2; i < n; i += 5) v[i] = 0;
  return v;
}

describe('op gradients vs central differences (onnxruntime-web wasm)', () => {
  it.each(OP_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const g = new Graph(c.name);
    const xs = c.inputs.map((s, i) => g.input(`x${i}`, s.shape, { requiresGrad: true }));
    const y = c.build(g, xs);
    const R = randomArray(y.size, 99);
    const loss = reduceSum(mul(y, g.weight('R', R, y.shape)));
    g.output(y, 'y');
    g.output(loss, 'loss');
    gradients(loss, xs).forEach((d, i) => g.output(d, `grad_x${i}`));

    const feeds: Record<string, Float32Array> = {};
    c.inputs.forEach((s, i) => (feeds[`x${i}`] = inputValues(s, 10 + i)));
    const out = await runOrt(g, feeds);

    const ref = evaluate(g, feeds, [y])[0].data;
    expect(out.y.length).toBe(ref.length);
    out.y.forEach((v, i) => expect(Math.abs(v - ref[i])).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(ref[i])));

    const numeric = numericGradients(g, loss, feeds, xs, { kinks: c.kinks });
    const analytic = xs.map((_, i) => out[`grad_x${i}`]);
    expect(
      compareGradients(
        xs.map((x) => x.name),
        analytic,
        numeric,
        1e-4,
        1e-5,
      ),
    ).toEqual([]);
    // Exactly at a kink: the documented derivative (Relu'(0) = 0; Clip' = 1 at its bounds).
    for (const [i, x] of xs.entries()) {
      feeds[x.name].forEach((v, j) => {
        if (c.kinks?.includes(v)) expect(analytic[i][j], `${x.name}[${j}] = ${v}`).toBeCloseTo((c.kinkGrad ?? 0) * R[j], 6);
      });
    }
  });
});
