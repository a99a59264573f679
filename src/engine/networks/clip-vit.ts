// CLIP ViT-B/32 image tower, read from open_clip `visual.*` tensors (the layout of OpenAI's
// checkpoint, as timm/open_clip publish it; the same prefix as the ResNets): patch conv (no
// bias), class token, positional embedding, pre-LayerNorm, residual blocks (pre-LN attention
// with one packed q/k/v projection and a QuickGELU MLP), post-LayerNorm of the class token,
// projection (`visual.proj`, [width, output], applied as x @ proj). Saliency: the class
// token's attention to each patch, averaged over heads and layers, on the patch grid (7x7 at
// 224); it sums to 1 minus the mean class->class attention weight.
import type { Tensor } from '../compiler/graph.ts';
import type { Architecture } from './loss-graph.ts';
import { quickGelu } from '../compiler/composite.ts';
import { conv } from '../compiler/ops/conv.ts';
import { add, mul } from '../compiler/ops/elementwise.ts';
import { matmul } from '../compiler/ops/linear.ts';
import { layerNorm, reduceMean, softmax } from '../compiler/ops/reduce.ts';
import { concat, expand, reshape, slice, transpose } from '../compiler/ops/shape.ts';
import type { WeightSpec } from '../weights/weight-set.ts';
import { clipNormalize, RESNET_PREFIX, transpose2d, type ClipArchOptions, type WeightSource } from './clip-resnet.ts';

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
/** open_clip keeps every image-tower tensor under `visual.`, for the ViT as for the ResNets. */
const V = RESNET_PREFIX;
const block = (i: number): string => `${V}transformer.resblocks.${i}`;

export function clipVitSpec(c: ClipVitConfig): WeightSpec {
  const t = new Map<string, number[]>();
  const D = c.width;
  const grid = c.imageSize / c.patch;
  const ln = (name: string): void => {
    t.set(`${name}.weight`, [D]);
    t.set(`${name}.bias`, [D]);
  };
  t.set(`${V}class_embedding`, [D]);
  t.set(`${V}conv1.weight`, [D, 3, c.patch, c.patch]);
  t.set(`${V}positional_embedding`, [grid * grid + 1, D]);
  ln(`${V}ln_pre`);
  for (let i = 0; i < c.layers; i++) {
    const l = block(i);
    t.set(`${l}.attn.in_proj_weight`, [3 * D, D]);
    t.set(`${l}.attn.in_proj_bias`, [3 * D]);
    t.set(`${l}.attn.out_proj.weight`, [D, D]);
    t.set(`${l}.attn.out_proj.bias`, [D]);
    ln(`${l}.ln_1`);
    ln(`${l}.ln_2`);
    t.set(`${l}.mlp.c_fc.weight`, [4 * D, D]);
    t.set(`${l}.mlp.c_fc.bias`, [4 * D]);
    t.set(`${l}.mlp.c_proj.weight`, [D, 4 * D]);
    t.set(`${l}.mlp.c_proj.bias`, [D]);
  }
  ln(`${V}ln_post`);
  t.set(`${V}proj`, [D, c.outputDim]);
  return { tensors: t, prefixes: [V], dtypes: ['F32', 'F16', 'BF16'] };
}

export interface ClipVitOptions extends ClipArchOptions {
  /** Block indices whose outputs [B, T, D] are geometric taps `block<i>` (default 4 and 8). */
  taps?: readonly number[];
}

export function clipVit(c: ClipVitConfig, weights: WeightSource, options: ClipVitOptions = {}): Architecture {
  const tapBlocks = options.taps ?? [4, 8].filter((i) => i < c.layers);
  for (const i of tapBlocks)
    if (!Number.isInteger(i) || i < 0 || i >= c.layers) throw new Error(`ViT tap block ${i} out of range 0..${c.layers - 1}`);
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
    /**
     * x [.., in] -> [.., out] with a PyTorch Linear weight [out, in] (pre-transposed once),
     * given as rows [from, from + out) of the tensor `weight` (q, k and v share one packed
     * in_proj_weight) and the matching slice of `bias`.
     */
    const linear = (x: Tensor, key: string, weight: string, bias: string, out: number, inp: number, from = 0): Tensor => {
      let wt = transposed.get(key);
      if (!wt) transposed.set(key, (wt = transpose2d(weights.float32(weight).subarray(from * inp, (from + out) * inp), out, inp)));
      const y = matmul(x, g.weight(`${key}.weight_t`, wt, [inp, out], { storage }));
      return add(y, g.weight(`${key}.bias`, weights.float32(bias).slice(from, from + out), [out]));
    };
    const norm = (x: Tensor, name: string): Tensor => layerNorm(x, vec(`${name}.weight`), vec(`${name}.bias`), -1, LN_EPS);

    const x = clipNormalize(g, images);
    const patches = conv(x, W(`${V}conv1.weight`, [D, 3, c.patch, c.patch]), null, { strides: [c.patch, c.patch] });
    const tokens = transpose(reshape(patches, [B, D, grid * grid]), [0, 2, 1]);
    const cls = expand(reshape(vec(`${V}class_embedding`), [1, 1, D]), [B, 1, D]);
    let h = add(concat([cls, tokens], 1), W(`${V}positional_embedding`, [T, D]));
    h = norm(h, `${V}ln_pre`);
    const taps: Record<string, Tensor> = {};
    let clsAttention: Tensor | null = null;
    const heads = (t: Tensor): Tensor => transpose(reshape(t, [B, T, H, d]), [0, 2, 1, 3]);
    for (let i = 0; i < c.layers; i++) {
      const l = block(i);
      const a = norm(h, `${l}.ln_1`);
      const packed = (part: number, name: string): Tensor =>
        linear(a, `${l}.attn.${name}`, `${l}.attn.in_proj_weight`, `${l}.attn.in_proj_bias`, D, D, part * D);
      const q = heads(mul(packed(0, 'q'), 1 / Math.sqrt(d)));
      const k = heads(packed(1, 'k'));
      const v = heads(packed(2, 'v'));
      const attn = softmax(matmul(q, transpose(k, [0, 1, 3, 2])));
      const toPatches = slice(attn, [0, 1], [1, T], [2, 3]); // [B, H, 1, T-1]: CLS row, patch columns
      clsAttention = clsAttention ? add(clsAttention, toPatches) : toPatches;
      const ctx = reshape(transpose(matmul(attn, v), [0, 2, 1, 3]), [B, T, D]);
      h = add(h, linear(ctx, `${l}.attn.out_proj`, `${l}.attn.out_proj.weight`, `${l}.attn.out_proj.bias`, D, D));
      const fc = linear(norm(h, `${l}.ln_2`), `${l}.mlp.c_fc`, `${l}.mlp.c_fc.weight`, `${l}.mlp.c_fc.bias`, 4 * D, D);
      h = add(h, linear(quickGelu(fc), `${l}.mlp.c_proj`, `${l}.mlp.c_proj.weight`, `${l}.mlp.c_proj.bias`, D, 4 * D));
      if (tapBlocks.includes(i)) taps[`block${i}`] = h;
    }
    const pooled = norm(reshape(slice(h, [0], [1], [1]), [B, D]), `${V}ln_post`);
    const embedding = matmul(pooled, W(`${V}proj`, [D, c.outputDim]));
    const saliency = reshape(mul(reduceMean(clsAttention!, [1]), 1 / c.layers), [B, grid, grid]);
    return { taps, embedding, saliency };
  };
}
