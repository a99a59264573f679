// Composite ops built from primitives: they need no backward rule of their own.
import type { Tensor } from './graph.ts';
import { add, div, erf, mul, sigmoid, sqrt, sub } from './ops/elementwise.ts';
import { reduceMean, reduceSum } from './ops/reduce.ts';

/** Exact GELU: x * 0.5 * (1 + erf(x / sqrt 2)). */
export const gelu = (x: Tensor): Tensor => mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));

/** CLIP's QuickGELU: x * sigmoid(1.702 x). */
export const quickGelu = (x: Tensor): Tensor => mul(x, sigmoid(mul(x, 1.702)));

/** mean((a - b)^2) over all elements, a scalar []. */
export function mse(a: Tensor, b: Tensor): Tensor {
  const d = sub(a, b);
  return reduceMean(mul(d, d));
}

/**
 * Cosine similarity along `axis` (kept out): a.b / sqrt(|a|^2 |b|^2 + eps). The eps keeps the
 * gradient finite for a zero vector.
 */
export function cosineSimilarity(a: Tensor, b: Tensor, axis = -1, eps = 1e-12): Tensor {
  const dot = reduceSum(mul(a, b), [axis]);
  const na = reduceSum(mul(a, a), [axis]);
  const nb = reduceSum(mul(b, b), [axis]);
  return div(dot, sqrt(add(mul(na, nb), eps)));
}

/**
 * Each position's vector along `axis` scaled to unit length: x / sqrt(sum x^2 + eps) (LPIPS's
 * channel normalization). A squared difference of such vectors compares the direction of the
 * feature vector (which pattern) rather than its magnitude (how much contrast).
 */
export function unitNormalize(x: Tensor, axis = 1, eps = 1e-6): Tensor {
  return div(x, sqrt(add(reduceSum(mul(x, x), [axis], true), eps)));
}

/** mean over the batch of 1 - cos(a_i, b_i), with vectors along `axis`. */
export const meanCosineDistance = (a: Tensor, b: Tensor, axis = -1): Tensor => reduceMean(sub(1, cosineSimilarity(a, b, axis)));
