// Gradients of the embedded MobileNetV2's loss: (1) the compiled loss-and-gradient graph at a
// reduced input side (the net is fully convolutional) against central finite differences of
// the same graph evaluated in float64 by the independent reference interpreter, along random
// pixel directions; (2) the product LossModel at 224 (ORT wasm): finite gradients whose
// first-order prediction of a small descent step matches the loss change. FD through ORT's
// float32 at 224 is limited by rounding and by ReLU6 kinks (the loss along random directions
// is far from quadratic at steps above 1e-4), hence the float64 check at 64.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mobileNetV2 } from '../../../src/engine/networks/mobilenet-v2.ts';
import { buildLossGraph } from '../../../src/engine/networks/loss-graph.ts';
import { unpackLayersModel } from '../../../src/engine/networks/tfjs/pack.ts';
import { loadEmbeddedModel } from '../../../src/engine/models/embedded-mobilenet-v2.ts';
import type { OnnxLossModel } from '../../../src/engine/models/onnx-loss-model.ts';
import type { TargetFeatures } from '../../../src/engine/models/types.ts';
import { embeddedModelBytes, photo } from '../../helpers/mobilenet-fixtures.ts';
import { ort, randomArray, runOrt, seeded } from '../../helpers/nn-check.ts';
import { evaluate } from '../../helpers/nn-reference.ts';

const gray = (chw: Float32Array, n: number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => (chw[i] + chw[n + i] + chw[2 * n + i]) / 3);

describe('embedded MobileNetV2 loss gradient vs float64 finite differences (64x64 input)', () => {
  // 'unit': the shipped tap normalization (composite.ts unitNormalize) before the squared difference.
  it.each(['none', 'unit'] as const)(
    'matches central differences along random directions, all terms active (taps %s)',
    async (tapNormalization) => {
      const S = 64;
      const { model } = unpackLayersModel(embeddedModelBytes());
      const g = buildLossGraph(mobileNetV2(model, { tapNormalization }), { batch: 1, size: S });
      const feeds: Record<string, Float32Array> = {};
      // targets: the features of another random image (non-trivial, same statistics)
      for (const [k, t] of g.inputs.entries())
        feeds[t.name] = t.name.startsWith('w_') ? Float32Array.of(t.name === 'w_semantic' ? 5 : 1) : randomArray(t.size, 10 + k, 0.5, 0.5);
      const lossTensor = g.outputs.find((o) => o.name === 'loss')!;
      const gradTensor = g.outputs.find((o) => o.name === 'grad_views')!;
      const out = await runOrt(g, feeds);
      const grad = out.grad_views;
      expect(grad.every(Number.isFinite)).toBe(true);
      // The backward graph itself in float64 (the reference interpreter): FD checks it tightly;
      // ORT's float32 run of the same graph then only has to agree within float32 rounding.
      const grad64 = evaluate(g, feeds, [gradTensor])[0].data;
      const views = Float64Array.from(feeds.views);
      for (const seed of [1, 2]) {
        const r = seeded(seed);
        const dir = Float64Array.from({ length: views.length }, () => r());
        const h = 1e-6; // float64: small enough that almost no ReLU6 kink lies within the step
        const at = (s: number): number =>
          evaluate(g, { ...feeds, views: views.map((v, i) => v + s * h * dir[i]) }, [lossTensor])[0].data[0];
        const numeric = (at(1) - at(-1)) / (2 * h);
        const analytic64 = grad64.reduce((a, v, i) => a + v * dir[i], 0);
        const analytic = grad.reduce((a, v, i) => a + v * dir[i], 0);
        expect(Math.abs(numeric - analytic64), `seed ${seed}: numeric ${numeric}, analytic (float64) ${analytic64}`).toBeLessThan(
          1e-5 * Math.abs(analytic64),
        );
        expect(Math.abs(analytic - analytic64), `seed ${seed}: ORT ${analytic}, float64 ${analytic64}`).toBeLessThan(
          5e-4 * Math.abs(analytic64),
        );
      }
    },
    120_000,
  );
});

describe('embedded MobileNetV2 LossModel (224, ORT wasm)', () => {
  const S = 224;
  let model: OnnxLossModel;
  let targets: TargetFeatures;
  const cat = photo('chelsea');
  const horse = photo('horse');
  // two views against the cat photo twice: the gray horse silhouette and the gray cat itself
  const views = new Float32Array(2 * S * S);
  views.set(gray(horse.chw, S * S), 0);
  views.set(gray(cat.chw, S * S), S * S);

  beforeAll(async () => {
    model = await loadEmbeddedModel(embeddedModelBytes(), { ort });
    const images = new Float32Array(2 * 3 * S * S);
    images.set(cat.chw, 0);
    images.set(cat.chw, 3 * S * S);
    targets = await model.targetFeatures(images, 2);
  }, 120_000);
  afterAll(() => model?.dispose());

  it('has the shipped taps and weights, runs at 192 px inside, and embeds the pooled block_12_add', () => {
    expect(model.size).toBe(224);
    expect(model.taps).toEqual(['block_4_add', 'block_12_add']);
    expect(model.defaultWeights).toEqual({ geometric: { block_4_add: 1, block_12_add: 1 }, semantic: 0 });
    expect(targets.tensors.embedding).toHaveLength(2 * 96);
    expect(targets.tensors.block_4_add).toHaveLength(2 * 32 * 24 * 24);
    expect(targets.tensors.block_12_add).toHaveLength(2 * 96 * 12 * 12);
  });

  it('compares unit-normalized feature vectors: every position of every tap has length 1 over the channels', () => {
    for (const [tap, c, side] of [
      ['block_4_add', 32, 24],
      ['block_12_add', 96, 12],
    ] as const) {
      const f = targets.tensors[tap];
      const hw = side * side;
      for (let b = 0; b < 2; b++) {
        for (let p = 0; p < hw; p++) {
          let sq = 0;
          for (let k = 0; k < c; k++) sq += f[(b * c + k) * hw + p] ** 2;
          expect(Math.sqrt(sq), `${tap} image ${b} position ${p}`).toBeCloseTo(1, 3);
        }
      }
    }
  });

  it('derives saliency from the out_relu projection on its global average (224², min-max normalized)', async () => {
    const map = await model.saliency(cat.chw);
    expect(map).toHaveLength(S * S);
    expect(Math.min(...map)).toBe(0);
    expect(Math.max(...map)).toBeCloseTo(1, 6);
    // a photo's map is not flat: a fair share of pixels sits far from the extremes
    expect(map.filter((v) => v > 0.2 && v < 0.8).length).toBeGreaterThan(0.1 * S * S);
  });

  it('gives finite gradients that predict the loss change of a small descent step', async () => {
    const weights = { geometric: { block_4_add: 1, block_12_add: 1 }, semantic: 10 };
    const base = await model.lossAndGradient(views, targets, weights);
    expect(base.grad.every(Number.isFinite)).toBe(true);
    for (const term of ['block_4_add', 'block_12_add', 'semantic']) expect(base.terms[term]).toBeGreaterThan(0);
    // the gray cat is closer to the cat than the horse is: its view gets the smaller gradient
    const norm = (b: number): number => Math.hypot(...base.grad.subarray(b * S * S, (b + 1) * S * S));
    expect(norm(0)).toBeGreaterThan(norm(1));
    const g2 = base.grad.reduce((a, v) => a + v * v, 0);
    const eps = 1e-4 / Math.sqrt(g2);
    const stepped = await model.lossAndGradient(
      views.map((v, i) => v - eps * base.grad[i]),
      targets,
      weights,
    );
    const ratio = (base.loss - stepped.loss) / (eps * g2);
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.2);
  }, 120_000);
});
