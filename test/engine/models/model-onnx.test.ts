// The LossModel over onnxruntime-web (wasm, one thread) with tiny random-weight networks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxLossModel, type OnnxLossModel } from '../../../src/engine/models/onnx-loss-model.ts';
import { channelEnergy, minMaxNormalize, resizeBilinear } from '../../../src/engine/models/saliency.ts';
import { buildForwardGraph } from '../../../src/engine/networks/loss-graph.ts';
import { ort, randomArray } from '../../helpers/nn-check.ts';
import { evaluate } from '../../helpers/nn-reference.ts';
import { tinyConvNet, tinyTransformer } from '../../helpers/tiny-archs.ts';

const S = 12;
const weights = { geometric: { block: 1, down: 0.5 }, semantic: 0.1 };

describe('OnnxLossModel (tiny conv net)', () => {
  let model: OnnxLossModel;
  beforeAll(async () => {
    model = await createOnnxLossModel({ id: 'tiny-conv', size: S, architecture: tinyConvNet, defaultWeights: weights }, { ort });
  });
  afterAll(() => model?.dispose());

  it('reports its taps and computes target features equal to the reference forward', async () => {
    expect(model.taps).toEqual(['block', 'down']);
    const images = randomArray(2 * 3 * S * S, 5, 0.5, 0.5);
    const t = await model.targetFeatures(images, 2);
    const g = buildForwardGraph(tinyConvNet, { batch: 2, size: S });
    const ref = evaluate(g, { images }, g.outputs);
    g.outputs.forEach((o, k) => {
      const got = t.tensors[o.name.replace(/^tap_/, '')];
      ref[k].data.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    });
  });

  it('computes the same target features in forward chunks (maxForwardBatch)', async () => {
    const chunked = await createOnnxLossModel(
      { id: 'tiny-conv', size: S, architecture: tinyConvNet, defaultWeights: weights },
      { ort, maxForwardBatch: 2 },
    );
    const images = randomArray(3 * 3 * S * S, 12, 0.5, 0.5);
    const whole = await model.targetFeatures(images, 3);
    const parts = await chunked.targetFeatures(images, 3);
    expect(Object.keys(parts.tensors).sort()).toEqual(Object.keys(whole.tensors).sort());
    for (const k of Object.keys(whole.tensors)) {
      expect(parts.tensors[k]).toHaveLength(whole.tensors[k].length);
      whole.tensors[k].forEach((v, i) => expect(parts.tensors[k][i]).toBeCloseTo(v, 5));
    }
    await chunked.dispose();
  });

  it('gives zero loss and zero gradient when the views are the (gray) targets', async () => {
    const gray = randomArray(3 * S * S, 6, 0.5, 0.5).subarray(0, S * S);
    const rgb = new Float32Array(3 * S * S);
    for (let c = 0; c < 3; c++) rgb.set(gray, c * S * S);
    const t = await model.targetFeatures(rgb, 1);
    const r = await model.lossAndGradient(Float32Array.from(gray), t, weights);
    expect(r.loss).toBeCloseTo(0, 6);
    expect(Math.max(...r.grad.map(Math.abs))).toBeLessThan(1e-5);
  });

  it('weights scale the terms without recompiling, and terms sum to the loss', async () => {
    const t = await model.targetFeatures(randomArray(2 * 3 * S * S, 7, 0.5, 0.5), 2);
    const views = randomArray(2 * S * S, 8, 0.5, 0.5);
    const a = await model.lossAndGradient(views, t, weights);
    const b = await model.lossAndGradient(views, t, { geometric: { block: 2, down: 0 }, semantic: 1 });
    expect(a.terms.block).toBeGreaterThan(0);
    expect(b.terms.block).toBeCloseTo(2 * a.terms.block, 5);
    expect(b.terms.down).toBe(0);
    expect(b.terms.semantic).toBeCloseTo(10 * a.terms.semantic, 5);
    expect(a.loss).toBeCloseTo(a.terms.block + a.terms.down + a.terms.semantic, 5);
    expect(a.grad).toHaveLength(2 * S * S);
  });

  it('rejects wrong sizes and unknown taps with clear messages', async () => {
    const t = await model.targetFeatures(randomArray(3 * S * S, 9, 0.5, 0.5), 1);
    await expect(model.lossAndGradient(new Float32Array(5), t, weights)).rejects.toThrow(/expected 1 views of 12x12/);
    await expect(model.lossAndGradient(new Float32Array(S * S), t, { geometric: { nope: 1 }, semantic: 0 })).rejects.toThrow(
      /unknown tap 'nope'/,
    );
    await expect(model.targetFeatures(new Float32Array(7), 1)).rejects.toThrow(/expected 1x3x12x12/);
  });

  it('derives saliency from the channel energy of the deepest tap', async () => {
    const image = randomArray(3 * S * S, 10, 0.5, 0.5);
    const s = await model.saliency(image);
    const t = await model.targetFeatures(image, 1);
    const expected = minMaxNormalize(resizeBilinear(channelEnergy(t.tensors.down, 6, 3, 3), 3, 3, S));
    expect(Array.from(s)).toEqual(Array.from(expected));
    expect(Math.min(...s)).toBe(0);
    expect(Math.max(...s)).toBe(1);
  });
});

describe('OnnxLossModel (tiny transformer)', () => {
  it('uses the architecture saliency output (CLS attention), upsampled and normalized', async () => {
    const model = await createOnnxLossModel(
      { id: 'tiny-vit', size: 8, architecture: tinyTransformer, defaultWeights: { geometric: { tokens: 1 }, semantic: 1 } },
      { ort },
    );
    const image = randomArray(3 * 64, 11, 0.5, 0.5);
    const s = await model.saliency(image);
    const g = buildForwardGraph(tinyTransformer, { batch: 1, size: 8 });
    const ref = evaluate(g, { images: image }, [g.outputs.find((o) => o.name === 'saliency')!])[0];
    const expected = minMaxNormalize(resizeBilinear(Float32Array.from(ref.data), 2, 2, 8));
    s.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    await model.dispose();
  });
});

describe('saliency helpers', () => {
  it('bilinear resize keeps a constant and interpolates between centres', () => {
    expect(Array.from(resizeBilinear(Float32Array.of(2, 2, 2, 2), 2, 2, 4))).toEqual(new Array(16).fill(2));
    const r = resizeBilinear(Float32Array.of(0, 1), 1, 2, 4);
    expect(Array.from(r.subarray(0, 4))).toEqual([0, 0.25, 0.75, 1]);
    expect(Array.from(minMaxNormalize(Float32Array.of(3, 3)))).toEqual([0, 0]);
  });
});
