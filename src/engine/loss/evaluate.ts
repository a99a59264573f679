// Clean-view loss of a set of strokes: what the loop's evaluation, the initial normalization
// and the evaluation's baselines all measure.
import type { LossModel, LossWeights, TargetFeatures } from '../models/types.ts';
import { IDENTITY_VIEW, type Rasterizer } from '../raster/types.ts';

export interface StrokeStyle {
  width: number;
  falloff?: number;
}

const CLEAN = Float32Array.from(IDENTITY_VIEW);

/** Renders the strokes on the clean view (1 x size x size). */
export function renderClean(rasterizer: Rasterizer, points: Float32Array, size: number, style: StrokeStyle): Promise<Float32Array> {
  return rasterizer.forward({ points, views: CLEAN, size, width: style.width, falloff: style.falloff });
}

/** Loss terms of the strokes' clean view against one clean target (batch 1). */
export async function cleanTerms(
  model: LossModel,
  rasterizer: Rasterizer,
  points: Float32Array,
  target: TargetFeatures,
  weights: LossWeights,
  style: StrokeStyle,
): Promise<{ loss: number; terms: Record<string, number> }> {
  const image = await renderClean(rasterizer, points, model.size, style);
  const { loss, terms } = await model.lossAndGradient(image, target, weights);
  return { loss, terms };
}

/** sum over terms of weight x raw term (raw terms measured with unit weights). */
export function weightedSum(weights: LossWeights, rawTerms: Record<string, number>): number {
  let sum = 0;
  for (const [name, raw] of Object.entries(rawTerms))
    sum += (name === 'semantic' ? weights.semantic : (weights.geometric[name] ?? 0)) * raw;
  return sum;
}
