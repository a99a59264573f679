// Target features for the clean view and every view of the pool, computed once per run: the
// loop then only gathers rows (no target forwards inside the optimization: docs/design.md "Cost model").
import type { LossModel, TargetFeatures } from '../models/types.ts';
import { IDENTITY_VIEW } from '../raster/types.ts';
import { warpImage } from './views.ts';

export interface TargetPool {
  /** (1 + poolSize) x 9: the identity (clean view) first, then the pool. */
  views: Float32Array;
  /** Features of one target image per view, by tensor name. */
  features: Record<string, Float32Array>[];
}

export async function buildTargetPool(model: LossModel, rgb: Float32Array, pool: Float32Array, signal?: AbortSignal): Promise<TargetPool> {
  const size = model.size;
  const views = new Float32Array(9 + pool.length);
  views.set(IDENTITY_VIEW, 0);
  views.set(pool, 9);
  const features: Record<string, Float32Array>[] = [];
  for (let v = 0; v < views.length / 9; v++) {
    if (v > 0 && signal?.aborted) break; // the clean view is always needed
    const image = v === 0 ? rgb : warpImage(rgb, 3, size, views.subarray(9 * v, 9 * v + 9));
    features.push((await model.targetFeatures(image, 1)).tensors);
  }
  return { views, features };
}

/** The targets for a batch whose item b uses view indices[b]. */
export function gatherTargets(pool: TargetPool, indices: readonly number[]): TargetFeatures {
  const tensors: Record<string, Float32Array> = {};
  for (const name of Object.keys(pool.features[0])) {
    const len = pool.features[0][name].length;
    const out = new Float32Array(len * indices.length);
    indices.forEach((v, b) => out.set(pool.features[v][name], b * len));
    tensors[name] = out;
  }
  return { batch: indices.length, tensors };
}

/** The 3x3 maps of the given view indices, concatenated (RasterScene.views). */
export function gatherViews(pool: TargetPool, indices: readonly number[]): Float32Array {
  const out = new Float32Array(9 * indices.length);
  indices.forEach((v, b) => out.set(pool.views.subarray(9 * v, 9 * v + 9), 9 * b));
  return out;
}
