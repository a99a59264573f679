// CLIP ViT-B/32 image tower, read from Hugging Face transformers tensors (`vision_model.*`,
// `visual_projection.weight`): patch conv (no bias), class token, positional embedding,
// pre-LayerNorm, residual blocks (pre-LN attention and a QuickGELU MLP), post-LayerNorm of the
// class token, projection. Saliency: the class token's attention to each patch, averaged over
// heads and layers, on the patch grid (7x7 at 224); it sums to 1 minus the mean class->class
// attention weight.
import type { Tensor } from '../graph.ts';
import type { Architecture } from '../loss.ts';
import { quickGelu } from '../composite.ts';
import { conv } from '../ops/conv.ts';
import { add, mul } from '../ops/elementwise.ts';
import { gemm, matmul } from '../ops/linear.ts';
import { layerNorm, reduceMean, softmax } from '../ops/reduce.ts';
import { concat, expand, reshape, slice, transpose } from '../ops/shape.ts';
import type { WeightSpec } from '../../weights/weight-set.ts';
import { clipNormalize, transpose2d, type ClipArchOptions, type WeightSource } from './clip-resnet.ts';

export interface ClipVitConfig {
  width: number;
  layers: number;
  heads: number;
  patch: number;
  imageSize: number;
  outputDim: number;
}

export const CLIP_VIT_B32: ClipVitConfig = { width: 768, layers: 12, heads: 12, patch: 32, imageSize: 224, outputDim: 512 };

const LN_EPS = 1e-5;
const V = 'vision_model.';

export function clipVitSpec(c: ClipVitConfig): WeightSpec {
  const t = new Map<string, number[]>();
  const D = c.width;
  const grid = c.imageSize / c.patch;
  const ln = (name: string): void => {
    t.set(`${name}.weight`, [D]);
    t.set(`${name}.bias`, [D]);
  };
  t.set(`${V}embeddings.class_embedding`, [D]);
  t.set(`${V}embeddings.patch_embedding.weight`, [D, 3, c.patch, c.patch]);
  t.set(`${V}embeddings.position_embedding.weight`, [grid * grid + 1, D]);
  ln(`${V}pre_layrnorm`); // sic: the transformers name
  for (let i = 0; i < c.layers; i++) {
    const l = `${V}encoder.layers.${i}`;
    for (const p of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) {
      t.set(`${l}.self_attn.${p}.weight`, [D, D]);
      t.set(`${l}.self_attn.${p}.bias`, [D]);
    }
    ln(`${l}.layer_norm1`);
    ln(`${l}.layer_norm2`);
    t.set(`${l}.mlp.fc1.weight`, [4 * D, D]);
    t.set(`${l}.mlp.fc1.bias`, [4 * D]);
    t.set(`${l}.mlp.fc2.weight`, [D, 4 * D]);
    t.set(`${l}.mlp.fc2.bias`, [D]);
  }
  ln(`${V}post_layernorm`);
  t.set('visual_projection.weight', [c.outputDim, D]);
  return { tensors: t, prefixes: [V, 'visual_projection.'], ignore: /\.position_ids$/, dtypes: ['F32', 'F16', 'BF16'] };
}

export interface ClipVitOptions extends ClipArchOptions {
  /** Block indices whose outputs [B, T, D] are geometric taps `block<i>` (default 4 and 8). */
  taps?: readonly number[];
}

export function clipVit(c: ClipVitConfig, weights: WeightSource, options: ClipVitOptions = {}): Architecture {
  const tapBlocks = options.taps ?? [4, 8].filter((i) => i < c.layers);
  for (const i of tapBlocks) if (!Number.isInteger(i) || i < 0 || i >= c.layers) throw new Error(`ViT tap block ${i} out of range 0..${c.layers - 1}`);
  const transposed = new Map<string, Float32Array>();
  const storage = options.storage ?? 'float32';
  const D = c.width;
  const H = c.heads;
  const d = D / H;
  const grid = c.imageSize / c.patch;
  const T = grid * grid + 1;

  return (g, images) => {
    const [B, , S] = images.shape;
    if (S !== c.imageSize) throw new Error(`CLIP ViT expects ${c.imageSize}x${c.imageSize} images, got ${S}`);
    const W = (name: string, shape: number[]): Tensor => g.weight(name, weights.float32(name), shape, { storage });
    const vec = (name: string): Tensor => g.weight(name, weights.float32(name), [weights.float32(name).length]);
    /** x [.., in] -> [.., out] with a transformers Linear weight [out, in] (pre-transposed once). */
    const linear = (x: Tensor, name: string, out: number, inp: number, bias = true): Tensor => {
      let wt = transposed.get(name);
      if (!wt) transposed.set(name, (wt = transpose2d(weights.float32(`${name}.weight`), out, inp)));
      const y = matmul(x, g.weight(`${name}.weight_t`, wt, [inp, out], { storage }));
      return bias ? add(y, vec(`${name}.bias`)) : y;
    };
    const norm = (x: Tensor, name: string): Tensor => layerNorm(x, vec(`${name}.weight`), vec(`${name}.bias`), -1, LN_EPS);

    const x = clipNormalize(g, images);
    const patches = conv(x, W(`${V}embeddings.patch_embedding.weight`, [D, 3, c.patch, c.patch]), null, { strides: [c.patch, c.patch] });
    const tokens = transpose(reshape(patches, [B, D, grid * grid]), [0, 2, 1]);
    const cls = expand(reshape(vec(`${V}embeddings.class_embedding`), [1, 1, D]), [B, 1, D]);
    let h = add(concat([cls, tokens], 1), W(`${V}embeddings.position_embedding.weight`, [T, D]));
    h = norm(h, `${V}pre_layrnorm`);
    const taps: Record<string, Tensor> = {};
    let clsAttention: Tensor | null = null;
    const heads = (t: Tensor): Tensor => transpose(reshape(t, [B, T, H, d]), [0, 2, 1, 3]);
    for (let i = 0; i < c.layers; i++) {
      const l = `${V}encoder.layers.${i}`;
      const a = norm(h, `${l}.layer_norm1`);
      const q = heads(mul(linear(a, `${l}.self_attn.q_proj`, D, D), 1 / Math.sqrt(d)));
      const k = heads(linear(a, `${l}.self_attn.k_proj`, D, D));
      const v = heads(linear(a, `${l}.self_attn.v_proj`, D, D));
      const attn = softmax(matmul(q, transpose(k, [0, 1, 3, 2])));
      const toPatches = slice(attn, [0, 1], [1, T], [2, 3]); // [B, H, 1, T-1]: CLS row, patch columns
      clsAttention = clsAttention ? add(clsAttention, toPatches) : toPatches;
      const ctx = reshape(transpose(matmul(attn, v), [0, 2, 1, 3]), [B, T, D]);
      h = add(h, linear(ctx, `${l}.self_attn.out_proj`, D, D));
      const m = linear(quickGelu(linear(norm(h, `${l}.layer_norm2`), `${l}.mlp.fc1`, 4 * D, D)), `${l}.mlp.fc2`, D, 4 * D);
      h = add(h, m);
      if (tapBlocks.includes(i)) taps[`block${i}`] = h;
    }
    const pooled = norm(reshape(slice(h, [0], [1], [1]), [B, D]), `${V}post_layernorm`);
    const embedding = gemm(pooled, W('visual_projection.weight', [c.outputDim, D]), { transB: true });
    const saliency = reshape(mul(reduceMean(clsAttention!, [1]), 1 / c.layers), [B, grid, grid]);
    return { taps, embedding, saliency };
  };
}
