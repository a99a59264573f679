// Whole tiny networks: ONNX forward (onnxruntime-web wasm) equals the plain-TS float64
// reference, and dLoss/dViews of the loss-and-gradient graph equals central differences.
import { describe, expect, it } from 'vitest';
import { buildForwardGraph, buildLossGraph, type Architecture } from '../../../src/engine/networks/loss-graph.ts';
import { compareGradients, numericGradients, randomArray, runOrt } from '../../helpers/nn-check.ts';
import { evaluate } from '../../helpers/nn-reference.ts';
import { tinyConvNet, tinyTransformer } from '../../helpers/tiny-archs.ts';

const CASES: [string, Architecture, number][] = [
  ['conv net (MobileNetV2-like)', tinyConvNet, 12],
  ['transformer (ViT-like)', tinyTransformer, 8],
];
const B = 2;

const images = (n: number, seed: number): Float32Array => randomArray(n, seed, 0.5, 0.5);

describe.each(CASES)('tiny %s', (_name, arch, S) => {
  it('forward outputs equal the float64 reference', async () => {
    const g = buildForwardGraph(arch, { batch: B, size: S });
    const feeds = { images: images(B * 3 * S * S, 1) };
    const out = await runOrt(g, feeds);
    const ref = evaluate(g, feeds, g.outputs);
    g.outputs.forEach((t, k) => {
      const r = ref[k].data;
      let maxRef = 0;
      for (const v of r) maxRef = Math.max(maxRef, Math.abs(v));
      out[t.name].forEach((v, i) => expect(Math.abs(v - r[i]), `${t.name}[${i}]`).toBeLessThanOrEqual(1e-5 * (1 + maxRef)));
    });
  });

  it('loss, terms and dLoss/dViews equal the reference and central differences', async () => {
    const fwd = buildForwardGraph(arch, { batch: B, size: S });
    const targetsOut = await runOrt(fwd, { images: images(B * 3 * S * S, 2) });
    const g = buildLossGraph(arch, { batch: B, size: S });
    const feeds: Record<string, Float32Array> = { views: images(B * S * S, 3) };
    for (const t of g.inputs) {
      if (t.name.startsWith('target_')) feeds[t.name] = targetsOut[t.name === 'target_embedding' ? 'embedding' : `tap_${t.name.slice(7)}`];
      if (t.name.startsWith('w_')) feeds[t.name] = Float32Array.of(t.name === 'w_semantic' ? 2.5 : 0.7);
    }
    const out = await runOrt(g, feeds);
    const loss = g.outputs.find((o) => o.name === 'loss')!;
    const terms = g.outputs.filter((o) => o.name.startsWith('term_'));
    const ref = evaluate(g, feeds, [loss, ...terms]);
    expect(out.loss[0]).toBeCloseTo(ref[0].data[0], 5);
    terms.forEach((t, k) => expect(out[t.name][0], t.name).toBeCloseTo(ref[k + 1].data[0], 5));
    expect(out.loss[0]).toBeGreaterThan(0);
    const views = g.inputs.find((t) => t.name === 'views')!;
    const numeric = numericGradients(g, loss, feeds, [views], { h: 1e-4 });
    // float32 forward/backward through ~20 ops: 3e-4 of the largest gradient.
    expect(compareGradients(['views'], [out.grad_views], numeric, 3e-4, 1e-7)).toEqual([]);
  });
});
