// Tiny random-weight CLIP ResNet and ViT built from synthetic checkpoints with the real key
// layouts: the ONNX forward (onnxruntime-web wasm) equals an independent float64 forward
// written over the raw tensors; dLoss/dViews of the loss graph matches central differences
// along random directions; the ViT saliency has the patch-grid shape and its documented sum.
import { describe, expect, it } from 'vitest';
import { clipResNet } from '../../../src/engine/networks/clip-resnet.ts';
import { clipVit, clipVitSpec } from '../../../src/engine/networks/clip-vit.ts';
import { clipResNetSpec } from '../../../src/engine/networks/clip-resnet.ts';
import { buildForwardGraph, buildLossGraph, type Architecture } from '../../../src/engine/networks/loss-graph.ts';
import { loadWeightsFromBytes } from '../../../src/engine/weights/load.ts';
import type { WeightSet } from '../../../src/engine/weights/weight-set.ts';
import { referenceResNet, referenceVit, type ReferenceOutputs } from '../../helpers/clip-reference.ts';
import { TINY_RN, TINY_VIT, tinyResNetFile, tinyVitFile } from '../../helpers/clip-weights.ts';
import { randomArray, runOrt } from '../../helpers/nn-check.ts';
import { evaluate } from '../../helpers/nn-reference.ts';

const B = 2;
const VIT_TAPS = [0, 2];

interface Case {
  name: string;
  size: number;
  load: () => Promise<WeightSet>;
  arch: (w: WeightSet, storage?: 'float32' | 'float16') => Architecture;
  reference: (w: WeightSet, img: Float64Array) => ReferenceOutputs;
}

const f64 =
  (w: WeightSet) =>
  (name: string): Float64Array =>
    Float64Array.from(w.float32(name));

const CASES: Case[] = [
  {
    name: 'ModifiedResNet',
    size: TINY_RN.imageSize,
    load: () => loadWeightsFromBytes(tinyResNetFile(), clipResNetSpec(TINY_RN)),
    arch: (w, storage) => clipResNet(TINY_RN, w, { storage }),
    reference: (w, img) => referenceResNet(TINY_RN, f64(w), img),
  },
  {
    name: 'ViT',
    size: TINY_VIT.imageSize,
    load: () => loadWeightsFromBytes(tinyVitFile(), clipVitSpec(TINY_VIT)),
    arch: (w, storage) => clipVit(TINY_VIT, w, { storage, taps: VIT_TAPS }),
    reference: (w, img) => referenceVit(TINY_VIT, f64(w), img, VIT_TAPS),
  },
];

const images = (n: number, seed: number): Float32Array => randomArray(n, seed, 0.5, 0.5);

function expectClose(name: string, actual: Float32Array, expected: Float64Array, rtol: number): void {
  expect(actual.length, name).toBe(expected.length);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  actual.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]))));
  expect(worst / scale, `${name}: max error relative to max |value| ${scale}`).toBeLessThanOrEqual(rtol);
}

describe.each(CASES)('tiny CLIP $name', (c) => {
  it('ONNX forward equals the independent float64 forward for every tap, the embedding and the saliency', async () => {
    const w = await c.load();
    const S = c.size;
    const g = buildForwardGraph(c.arch(w), { batch: B, size: S });
    const feeds = { images: images(B * 3 * S * S, 11) };
    const out = await runOrt(g, feeds);
    for (let b = 0; b < B; b++) {
      const ref = c.reference(w, Float64Array.from(feeds.images.subarray(b * 3 * S * S, (b + 1) * 3 * S * S)));
      const per = (t: Float32Array, n: number): Float32Array => t.subarray(b * n, (b + 1) * n);
      for (const [tap, r] of Object.entries(ref.taps)) expectClose(`${tap}[${b}]`, per(out[`tap_${tap}`], r.length), r, 2e-5);
      expectClose(`embedding[${b}]`, per(out.embedding, ref.embedding.length), ref.embedding, 2e-5);
      if (ref.saliency) expectClose(`saliency[${b}]`, per(out.saliency, ref.saliency.length), ref.saliency, 2e-5);
    }
    expect(g.outputs.map((o) => o.name).sort()).toEqual(
      c.name === 'ViT'
        ? ['embedding', 'saliency', 'tap_block0', 'tap_block2']
        : ['embedding', 'tap_layer1', 'tap_layer2', 'tap_layer3', 'tap_layer4'],
    );
  });

  it('dLoss/dViews matches central differences along random directions', async () => {
    const w = await c.load();
    const S = c.size;
    const arch = c.arch(w);
    const targets = await runOrt(buildForwardGraph(arch, { batch: B, size: S }), { images: images(B * 3 * S * S, 12) });
    const g = buildLossGraph(arch, { batch: B, size: S });
    const feeds: Record<string, Float32Array> = { views: images(B * S * S, 13) };
    for (const t of g.inputs) {
      if (t.name.startsWith('target_')) feeds[t.name] = targets[t.name === 'target_embedding' ? 'embedding' : `tap_${t.name.slice(7)}`];
      if (t.name.startsWith('w_')) feeds[t.name] = Float32Array.of(t.name === 'w_semantic' ? 3 : 1);
    }
    const out = await runOrt(g, feeds);
    const loss = g.outputs.find((o) => o.name === 'loss')!;
    expect(out.loss[0]).toBeGreaterThan(0);
    const base = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, Float64Array.from(v)]));
    const at = (views: Float64Array): number => evaluate(g, { ...base, views }, [loss])[0].data[0];
    expect(at(base.views)).toBeCloseTo(out.loss[0], 4);
    // float64 reference: a small step keeps the probe from straddling ReLU kinks (1e-4 did, ~2%).
    const h = 1e-6;
    for (let k = 0; k < 3; k++) {
      const dir = Float64Array.from(randomArray(base.views.length, 100 + k));
      const plus = at(base.views.map((v, i) => v + h * dir[i]));
      const minus = at(base.views.map((v, i) => v - h * dir[i]));
      const numeric = (plus - minus) / (2 * h);
      const analytic = out.grad_views.reduce((s, v, i) => s + v * dir[i], 0);
      expect(Math.abs(analytic - numeric), `direction ${k}: analytic ${analytic} vs numeric ${numeric}`).toBeLessThanOrEqual(
        2e-3 * Math.abs(numeric) + 1e-6,
      );
    }
  });

  it('float16 weight storage stays within half precision of the float32 model', async () => {
    const w = await c.load();
    const S = c.size;
    const feeds = { images: images(3 * S * S, 14) };
    const full = await runOrt(buildForwardGraph(c.arch(w), { batch: 1, size: S }), feeds);
    const half = await runOrt(buildForwardGraph(c.arch(w, 'float16'), { batch: 1, size: S }), feeds);
    expectClose('embedding (fp16 weights)', half.embedding, Float64Array.from(full.embedding), 1e-2);
  });
});

describe('tiny CLIP ViT saliency', () => {
  it('is [B, grid, grid], non-negative, and sums to 1 - mean CLS->CLS attention (< 1)', async () => {
    const w = await loadWeightsFromBytes(tinyVitFile(), clipVitSpec(TINY_VIT));
    const S = TINY_VIT.imageSize;
    const grid = S / TINY_VIT.patch;
    const g = buildForwardGraph(clipVit(TINY_VIT, w, { taps: VIT_TAPS }), { batch: B, size: S });
    expect(g.outputs.find((o) => o.name === 'saliency')!.shape).toEqual([B, grid, grid]);
    const out = await runOrt(g, { images: images(B * 3 * S * S, 15) });
    for (let b = 0; b < B; b++) {
      const map = out.saliency.subarray(b * grid * grid, (b + 1) * grid * grid);
      const sum = map.reduce((a, v) => a + v, 0);
      expect(Math.min(...map)).toBeGreaterThanOrEqual(0);
      expect(sum).toBeGreaterThan(0);
      expect(sum).toBeLessThan(1);
    }
  });

  it('rejects a tap block out of range and a wrong image size', async () => {
    const w = await loadWeightsFromBytes(tinyVitFile(), clipVitSpec(TINY_VIT));
    expect(() => clipVit(TINY_VIT, w, { taps: [3] })).toThrow(/tap block 3 out of range 0\.\.2/);
    expect(() => buildForwardGraph(clipVit(TINY_VIT, w, { taps: VIT_TAPS }), { batch: 1, size: 64 })).toThrow(
      /expects 32x32 images, got 64/,
    );
  });
});
