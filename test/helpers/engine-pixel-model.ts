// A plain-TS LossModel for testing the optimizer: the loss is the weighted mean squared
// difference between the gray view and the target's gray image, with its exact gradient.
// (An honest double of the contract, not an approximation of any real network.)
import type { LossModel, LossResult, LossWeights, TargetFeatures } from '../../src/engine/models/types.ts';

export interface PixelModelStats {
  targetCalls: number;
  lossCalls: number;
  batches: number[];
}

export function createPixelLossModel(size: number, id = 'pixel-mse'): LossModel & { stats: PixelModelStats } {
  const plane = size * size;
  const stats: PixelModelStats = { targetCalls: 0, lossCalls: 0, batches: [] };
  const gray = (rgb: Float32Array, b: number): Float32Array => {
    const out = new Float32Array(plane);
    const o = b * 3 * plane;
    for (let i = 0; i < plane; i++) out[i] = 0.299 * rgb[o + i] + 0.587 * rgb[o + plane + i] + 0.114 * rgb[o + 2 * plane + i];
    return out;
  };
  return {
    id,
    size,
    taps: ['pixels'],
    defaultWeights: { geometric: { pixels: 1 }, semantic: 0 },
    stats,
    async targetFeatures(images: Float32Array, batch: number): Promise<TargetFeatures> {
      stats.targetCalls++;
      const pixels = new Float32Array(batch * plane);
      for (let b = 0; b < batch; b++) pixels.set(gray(images, b), b * plane);
      return { batch, tensors: { pixels, embedding: new Float32Array(batch) } };
    },
    async lossAndGradient(views: Float32Array, targets: TargetFeatures, weights: LossWeights): Promise<LossResult> {
      stats.lossCalls++;
      stats.batches.push(targets.batch);
      if (views.length !== targets.batch * plane) throw new Error(`views ${views.length} != batch ${targets.batch} x ${plane}`);
      const t = targets.tensors.pixels;
      const w = weights.geometric.pixels ?? 0;
      const n = views.length;
      const grad = new Float32Array(n);
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const d = views[i] - t[i];
        sum += d * d;
        grad[i] = (2 * w * d) / n;
      }
      const term = (w * sum) / n;
      return { loss: term, terms: { pixels: term, semantic: 0 }, grad };
    },
    async saliency(image: Float32Array): Promise<Float32Array> {
      // Darkness, min-max normalized: ink attracts attention.
      const g = gray(image, 0);
      let lo = Infinity,
        hi = -Infinity;
      for (const v of g) {
        lo = Math.min(lo, 1 - v);
        hi = Math.max(hi, 1 - v);
      }
      return g.map((v) => (hi > lo ? (1 - v - lo) / (hi - lo) : 0));
    },
    async dispose(): Promise<void> {},
  };
}
