// Loss weights: the model's defaults overridden by the caller, then normalized so that each
// active term equals its weight at initialization. The raw terms differ by orders of
// magnitude between models (in the prototype, a semantic term of 0.04 next to a feature loss of
// 60-100), so a weight only means the same thing for every model after this normalization.
import type { LossModel, LossWeights } from '../models/types.ts';

export interface WeightOverrides {
  geometric?: Record<string, number>;
  semantic?: number;
}

function checkWeight(name: string, w: number): void {
  if (!Number.isFinite(w) || w < 0) throw new Error(`loss weight '${name}' must be finite and >= 0, got ${w}`);
}

/** Defaults merged with overrides; unknown taps, negative weights and all-zero weights are errors. */
export function resolveWeights(model: Pick<LossModel, 'id' | 'taps' | 'defaultWeights'>, overrides: WeightOverrides = {}): LossWeights {
  const geometric: Record<string, number> = { ...model.defaultWeights.geometric };
  for (const [tap, w] of Object.entries(overrides.geometric ?? {})) {
    if (!model.taps.includes(tap)) throw new Error(`unknown loss tap '${tap}' for model '${model.id}' (taps: ${model.taps.join(', ')})`);
    geometric[tap] = w;
  }
  const semantic = overrides.semantic ?? model.defaultWeights.semantic;
  for (const [tap, w] of Object.entries(geometric)) checkWeight(tap, w);
  checkWeight('semantic', semantic);
  if (semantic === 0 && Object.values(geometric).every((w) => w === 0)) throw new Error('all loss weights are zero');
  return { geometric, semantic };
}

/** 1 for every active term, 0 for the others: the model then reports the raw terms. */
export function unitWeights(weights: LossWeights): LossWeights {
  const geometric: Record<string, number> = {};
  for (const [tap, w] of Object.entries(weights.geometric)) geometric[tap] = w > 0 ? 1 : 0;
  return { geometric, semantic: weights.semantic > 0 ? 1 : 0 };
}

/** Divides each weight by its raw term (a term that is already 0 keeps its weight). */
export function normalizeWeights(weights: LossWeights, rawTerms: Record<string, number>): LossWeights {
  const scale = (w: number, raw: number | undefined): number => (w > 0 && raw !== undefined && raw > 0 ? w / raw : w);
  const geometric: Record<string, number> = {};
  for (const [tap, w] of Object.entries(weights.geometric)) geometric[tap] = scale(w, rawTerms[tap]);
  return { geometric, semantic: scale(weights.semantic, rawTerms.semantic) };
}
