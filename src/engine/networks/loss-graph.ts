// Assembly of the two products of every perceptual model: the forward model (features at
// the taps, embedding, optional saliency) and the loss-and-gradient model for B views.
import { appendInputGradients } from '../compiler/autodiff.ts';
import { meanCosineDistance, mse } from '../compiler/composite.ts';
import { Graph, type Tensor } from '../compiler/graph.ts';
import { add, mul } from '../compiler/ops/elementwise.ts';
import { expand, reshape } from '../compiler/ops/shape.ts';

export interface ArchitectureOutputs {
  /** Feature maps for the geometric loss, each with the batch as its first axis. */
  taps: Record<string, Tensor>;
  /** Final embedding [B, D] for the semantic loss. */
  embedding: Tensor;
  /** Optional saliency [B, h, w] or [B, 1, h, w] (e.g. CLS attention), any scale. */
  saliency?: Tensor;
}

/**
 * A perceptual network built with the compiler. `images` is [B, 3, S, S] RGB in [0, 1];
 * the architecture applies its own input normalization (CLIP mean/std, x/255 ...).
 */
export type Architecture = (g: Graph, images: Tensor) => ArchitectureOutputs;

export interface ModelShape {
  batch: number;
  /** Input side S. */
  size: number;
}

export interface LossGraphOptions {
  /** Loss scaling of the backward pass (autodiff.ts appendInputGradients); 1 for float32. */
  gradScale?: number;
}

/** Output names of the forward model. */
export const tapOutput = (tap: string): string => `tap_${tap}`;

export function checkTapNames(taps: readonly string[]): void {
  if (taps.length === 0) throw new Error('Architecture has no taps');
  for (const t of taps) {
    if (!/^[A-Za-z0-9_]+$/.test(t) || t === 'semantic' || t === 'embedding') {
      throw new Error(`Tap name '${t}' must be [A-Za-z0-9_]+ and not 'semantic' or 'embedding'`);
    }
  }
}

function checkOutputs(out: ArchitectureOutputs, batch: number): void {
  checkTapNames(Object.keys(out.taps));
  for (const [name, t] of Object.entries({ ...out.taps, embedding: out.embedding })) {
    if (t.shape[0] !== batch) throw new Error(`Architecture output '${name}' ${t} must have batch ${batch} first`);
  }
  if (out.embedding.rank !== 2) throw new Error(`Architecture embedding must be [B, D], got ${out.embedding}`);
}

/** Forward model: input `images` [B,3,S,S]; outputs `tap_<name>`, `embedding`, maybe `saliency`. */
export function buildForwardGraph(architecture: Architecture, { batch, size }: ModelShape): Graph {
  const g = new Graph('forward');
  const images = g.input('images', [batch, 3, size, size]);
  const out = architecture(g, images);
  checkOutputs(out, batch);
  for (const [name, t] of Object.entries(out.taps)) g.output(t, tapOutput(name));
  g.output(out.embedding, 'embedding');
  if (out.saliency) g.output(out.saliency, 'saliency');
  return g;
}

/**
 * Loss-and-gradient model for B gray views. Inputs: `views` [B,1,S,S] in [0,1] (replicated
 * to RGB inside, so the gradient sums the three channels), `target_<tap>`, `target_embedding`,
 * scalar weights `w_<tap>` and `w_semantic`. Outputs: `loss`, `term_<tap>`, `term_semantic`
 * (weighted), `grad_views` [B,1,S,S].
 * loss = sum_l w_l * mean((f_l(view) - f_l(target))^2) + w_sem * mean_b(1 - cos(e_b, t_b)).
 */
export function buildLossGraph(architecture: Architecture, { batch, size }: ModelShape, { gradScale = 1 }: LossGraphOptions = {}): Graph {
  const g = new Graph('loss');
  const views = g.input('views', [batch, 1, size, size], { requiresGrad: true });
  const out = architecture(g, expand(views, [batch, 3, size, size]));
  checkOutputs(out, batch);
  const terms: Tensor[] = [];
  for (const [name, f] of Object.entries(out.taps)) {
    const target = g.input(`target_${name}`, f.shape);
    const term = mul(mse(f, target), g.input(`w_${name}`, []));
    terms.push(g.output(term, `term_${name}`));
  }
  const targetEmbedding = g.input('target_embedding', out.embedding.shape);
  const semantic = mul(meanCosineDistance(out.embedding, targetEmbedding, 1), g.input('w_semantic', []));
  terms.push(g.output(semantic, 'term_semantic'));
  const loss = reshape(
    terms.reduce((a, b) => add(a, b)),
    [],
  );
  g.output(loss, 'loss');
  appendInputGradients(g, loss, gradScale);
  return g;
}
