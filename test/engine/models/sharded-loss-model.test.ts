// ShardedLossModel: a batch split across shards gives the unsharded model's loss, terms and
// gradient (real embedded MobileNetV2 on the wasm EP, two independent instances), and a
// shard that fails is dropped without changing the numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedLossModel } from '../../../src/cli/models.ts';
import { ShardedLossModel, splitBatch, stallLimitMs } from '../../../src/engine/models/sharded-loss-model.ts';
import type { LossModel, LossResult, TargetFeatures } from '../../../src/engine/models/types.ts';
import { createPixelLossModel } from '../../helpers/engine-pixel-model.ts';
import { embeddedWeights } from '../../helpers/embedded-weights.ts';
import { noise } from '../../helpers/noise.ts';

/** Sketch-like gray views: white with dark horizontal strokes, varying per image. */
function views(batch: number, size: number, seed: number): Float32Array {
  const v = new Float32Array(batch * size * size).fill(1);
  const r = noise(batch * 8, seed);
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < 8; k++) {
      const y = Math.floor(r[b * 8 + k] * size);
      for (let x = 0; x < size; x++) v[b * size * size + y * size + x] = 0.1;
    }
  }
  return v;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function maxAbs(a: Float32Array): number {
  return a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
}

/** A model that forwards to `inner` and counts its calls, optionally rejecting from call `failAt` on. */
function wrap(inner: LossModel, opts: { failAt?: number; error?: Error } = {}): LossModel & { calls: number[] } {
  const calls: number[] = [];
  return {
    id: inner.id,
    size: inner.size,
    taps: inner.taps,
    defaultWeights: inner.defaultWeights,
    runtime: inner.runtime,
    calls,
    async targetFeatures(images, batch) {
      calls.push(batch);
      if (opts.failAt !== undefined && calls.length >= opts.failAt) throw opts.error ?? new Error('worker crashed');
      return inner.targetFeatures(images, batch);
    },
    async lossAndGradient(v, targets, weights) {
      calls.push(targets.batch);
      if (opts.failAt !== undefined && calls.length >= opts.failAt) throw opts.error ?? new Error('worker crashed');
      return inner.lossAndGradient(v, targets, weights);
    },
    saliency: (image) => inner.saliency(image),
    dispose: () => inner.dispose(),
  };
}

describe('ShardedLossModel with the embedded model (wasm)', () => {
  let a: LossModel;
  let b: LossModel;
  let targets4: TargetFeatures;
  const S = 224;

  beforeAll(async () => {
    const bytes = await embeddedWeights();
    [a, b] = await Promise.all([embeddedLossModel(bytes), embeddedLossModel(bytes)]);
    targets4 = await a.targetFeatures(noise(4 * 3 * S * S, 7), 4);
  });
  afterAll(async () => {
    await a?.dispose();
    await b?.dispose();
  });

  // Tolerance: a chunk's feature means reduce fewer elements in float32, so sums differ in
  // order. Measured (Node 20, ORT-web 1.30 wasm): loss within 5e-6 relative (2+2), gradient
  // bit-identical at 2+2 and K=3 (scales 1/2), within 5e-7 of max |grad| at 2+1 (scale 2/3).
  function expectSame(got: LossResult, want: LossResult): void {
    const tol = 3e-5 * Math.abs(want.loss) + 1e-8;
    expect(Math.abs(got.loss - want.loss)).toBeLessThan(tol);
    expect(Object.keys(got.terms).sort()).toEqual(Object.keys(want.terms).sort());
    for (const k of Object.keys(want.terms)) expect(Math.abs(got.terms[k] - want.terms[k])).toBeLessThan(tol);
    expect(got.grad.length).toBe(want.grad.length);
    const rel = maxAbsDiff(got.grad, want.grad) / maxAbs(want.grad);
    console.log(
      `sharded vs single: loss rel diff ${(Math.abs(got.loss - want.loss) / want.loss).toExponential(2)}, grad max diff ${rel.toExponential(2)} of max |grad|`,
    );
    expect(rel).toBeLessThan(1e-5);
  }

  it('equals the single model at B=4 split 2+2', async () => {
    const v = views(4, S, 11);
    const w = a.defaultWeights;
    const want = await a.lossAndGradient(v, targets4, w);
    const sharded = new ShardedLossModel([a, b]);
    expect(sharded.runtime).toMatch(/ x2$/);
    expectSame(await sharded.lossAndGradient(v, targets4, w), want);
  });

  it('equals the single model at B=3 split 2+1, with a semantic term', async () => {
    const three: TargetFeatures = {
      batch: 3,
      tensors: Object.fromEntries(Object.entries(targets4.tensors).map(([k, t]) => [k, t.subarray(0, (t.length / 4) * 3)])),
    };
    const v = views(3, S, 12);
    const w = { geometric: { ...a.defaultWeights.geometric }, semantic: 0.5 };
    const want = await a.lossAndGradient(v, three, w);
    expect(want.terms.semantic).toBeGreaterThan(0);
    const sb = wrap(b);
    expectSame(await new ShardedLossModel([a, sb]).lossAndGradient(v, three, w), want);
    expect(sb.calls).toEqual([1]);
  });

  it('uses no more shards than images (K=3 > B=2)', async () => {
    const two: TargetFeatures = {
      batch: 2,
      tensors: Object.fromEntries(Object.entries(targets4.tensors).map(([k, t]) => [k, t.subarray(0, t.length / 2)])),
    };
    const v = views(2, S, 13);
    const want = await a.lossAndGradient(v, two, a.defaultWeights);
    const [sa, sb, sc] = [wrap(a), wrap(b), wrap(b)];
    expectSame(await new ShardedLossModel([sa, sb, sc]).lossAndGradient(v, two, a.defaultWeights), want);
    expect([sa.calls, sb.calls, sc.calls]).toEqual([[1], [1], []]);
  });

  it('computes target features split 2+1 equal to the single model', async () => {
    const images = noise(3 * 3 * S * S, 21);
    const want = await a.targetFeatures(images, 3);
    const got = await new ShardedLossModel([a, b]).targetFeatures(images, 3);
    expect(got.batch).toBe(3);
    expect(Object.keys(got.tensors).sort()).toEqual(Object.keys(want.tensors).sort());
    for (const k of Object.keys(want.tensors)) {
      expect(got.tensors[k].length).toBe(want.tensors[k].length);
      expect(maxAbsDiff(got.tensors[k], want.tensors[k])).toBeLessThan(1e-4 * maxAbs(want.tensors[k]) + 1e-6);
    }
  });
});

describe('ShardedLossModel splitting and failures (pixel model)', () => {
  const S = 8;
  const plane = S * S;
  const pixel = createPixelLossModel(S);
  const targetsOf = async (batch: number): Promise<TargetFeatures> => pixel.targetFeatures(noise(batch * 3 * plane, 3), batch);

  it('splits into contiguous near-equal non-empty chunks', () => {
    expect(splitBatch(4, 2)).toEqual([
      { start: 0, count: 2 },
      { start: 2, count: 2 },
    ]);
    expect(splitBatch(3, 2)).toEqual([
      { start: 0, count: 2 },
      { start: 2, count: 1 },
    ]);
    expect(splitBatch(2, 5)).toEqual([
      { start: 0, count: 1 },
      { start: 1, count: 1 },
    ]);
    expect(splitBatch(7, 3).map((c) => c.count)).toEqual([3, 2, 2]);
  });

  it('drops a shard that rejects, recomputes its chunk and reports it once', async () => {
    const t = await targetsOf(6);
    const v = noise(6 * plane, 5);
    const want = await pixel.lossAndGradient(v, t, pixel.defaultWeights);
    const s0 = wrap(pixel);
    const s1 = wrap(pixel, { failAt: 2 }); // answers the first call, then crashes
    const s2 = wrap(pixel);
    const lost: [number, string][] = [];
    const model = new ShardedLossModel([s0, s1, s2], { onShardLost: (i, e) => lost.push([i, (e as Error).message]) });
    for (let round = 0; round < 3; round++) {
      const got = await model.lossAndGradient(v, t, pixel.defaultWeights);
      expect(got.loss).toBeCloseTo(want.loss, 6);
      expect(maxAbsDiff(got.grad, want.grad)).toBeLessThan(1e-7);
    }
    expect(lost).toEqual([[1, 'worker crashed']]);
    expect(model.shardCount).toBe(2);
    expect(s1.calls).toEqual([2, 2]); // never asked again after it failed
    expect(model.runtime).toMatch(/ x2$/);
  });

  it('counts a shard that never answers as lost once the stall limit after shard 0 passes', async () => {
    const t = await targetsOf(4);
    const v = noise(4 * plane, 5);
    const want = await pixel.lossAndGradient(v, t, pixel.defaultWeights);
    const hung = { ...wrap(pixel), lossAndGradient: () => new Promise<LossResult>(() => {}) };
    const lost: [number, string][] = [];
    const limits: number[] = [];
    const model = new ShardedLossModel([pixel, hung], {
      onShardLost: (i, e) => lost.push([i, (e as Error).name]),
      stallLimitMs: (localMs) => (limits.push(localMs), 30),
    });
    const got = await model.lossAndGradient(v, t, pixel.defaultWeights);
    expect(got.loss).toBeCloseTo(want.loss, 6);
    expect(maxAbsDiff(got.grad, want.grad)).toBeLessThan(1e-7);
    expect(lost).toEqual([[1, 'ShardStalledError']]);
    expect(limits).toHaveLength(1);
    expect(model.shardCount).toBe(1);
    // A helper that answers in time is never cut off by the guard.
    const slowButFine = {
      ...wrap(pixel),
      lossAndGradient: async (...a: Parameters<LossModel['lossAndGradient']>) => (
        await new Promise((r) => setTimeout(r, 20)),
        pixel.lossAndGradient(...a)
      ),
    };
    const patient = new ShardedLossModel([pixel, slowButFine], {
      onShardLost: () => lost.push([9, 'unexpected']),
      stallLimitMs: () => 2000,
    });
    expect((await patient.lossAndGradient(v, t, pixel.defaultWeights)).loss).toBeCloseTo(want.loss, 6);
    expect(patient.shardCount).toBe(2);
    expect(lost).toHaveLength(1);
  });

  it('has a default stall limit of 20x the local time, at least 10 s', () => {
    expect(stallLimitMs(100)).toBe(10_000);
    expect(stallLimitMs(2000)).toBe(40_000);
  });

  it('rejects with the error of shard 0 (the local one) or of a bad input', async () => {
    const t = await targetsOf(4);
    const v = noise(4 * plane, 5);
    const boom = new Error('local model broke');
    const lost: number[] = [];
    const model = new ShardedLossModel([wrap(pixel, { failAt: 1, error: boom }), wrap(pixel)], { onShardLost: (i) => lost.push(i) });
    await expect(model.lossAndGradient(v, t, pixel.defaultWeights)).rejects.toBe(boom);
    await expect(model.targetFeatures(noise(2 * 3 * plane, 1), 2)).rejects.toBe(boom);
    expect(lost).toEqual([]);
    const ok = new ShardedLossModel([pixel, pixel]);
    await expect(ok.lossAndGradient(v.subarray(1), t, pixel.defaultWeights)).rejects.toThrow(/expected 4 views/);
    await expect(ok.lossAndGradient(v, t, { geometric: { nope: 1 }, semantic: 0 })).rejects.toThrow(/unknown tap 'nope'/);
  });

  it('refuses shards that are not the same model', () => {
    expect(() => new ShardedLossModel([])).toThrow(/at least one/);
    expect(() => new ShardedLossModel([pixel, createPixelLossModel(S, 'other')])).toThrow(/shard 1 .*id 'other'/);
    expect(() => new ShardedLossModel([pixel, createPixelLossModel(S + 1)])).toThrow(/shard 1 .*size 9 != 8/);
    expect(() => new ShardedLossModel([pixel, pixel, { ...pixel, taps: ['pixels', 'more'] }])).toThrow(
      /shard 2 .*taps \[pixels, more\] != \[pixels\]/,
    );
  });

  it('takes saliency and the GPU session from shard 0 and disposes every shard', async () => {
    let disposed = 0;
    const gpu = async (): Promise<never> => {
      throw new Error('gpu of shard 0');
    };
    const s0 = { ...pixel, createGpuLossSession: gpu, dispose: async () => void disposed++ };
    const s1 = { ...pixel, dispose: async () => void disposed++ };
    const model = new ShardedLossModel([s0, s1]);
    await expect(model.createGpuLossSession!({} as GPUDevice, 2)).rejects.toThrow('gpu of shard 0');
    expect(new ShardedLossModel([s1, s0]).createGpuLossSession).toBeUndefined();
    const image = noise(3 * plane, 9);
    expect(await model.saliency(image)).toEqual(await pixel.saliency(image));
    await model.dispose();
    expect(disposed).toBe(2);
  });
});
