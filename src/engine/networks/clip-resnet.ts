// CLIP ModifiedResNet (RN50, RN101) image tower, read from open_clip `visual.*` tensors:
// a stem of three 3x3 convs and a 2x2 average pool, bottleneck stages that downsample by
// average pooling (before conv3, and before the 1x1 shortcut conv), and attention pooling
// whose class query is the mean token. BatchNorm is folded into the preceding conv (weights
// are frozen). Taps: layer1..layer4; embedding: the attention pool output.
import type { Graph, Tensor } from '../compiler/graph.ts';
import type { Architecture } from './loss-graph.ts';
import { conv } from '../compiler/ops/conv.ts';
import { add, div, mul, relu, sub } from '../compiler/ops/elementwise.ts';
import { averagePool, gemm, matmul } from '../compiler/ops/linear.ts';
import { reduceMean, softmax } from '../compiler/ops/reduce.ts';
import { concat, reshape, slice, transpose } from '../compiler/ops/shape.ts';
import type { WeightSpec } from '../weights/weight-set.ts';

export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;
const BN_EPS = 1e-5;

export interface ClipResNetConfig {
  /** Bottleneck blocks per stage. */
  layers: readonly [number, number, number, number];
  /** Stem width (stage k has 4 * width * 2^k output channels). */
  width: number;
  /** Attention-pool heads. */
  heads: number;
  outputDim: number;
  imageSize: number;
}

export const CLIP_RN50: ClipResNetConfig = { layers: [3, 4, 6, 3], width: 64, heads: 32, outputDim: 1024, imageSize: 224 };
export const CLIP_RN101: ClipResNetConfig = { layers: [3, 4, 23, 3], width: 64, heads: 32, outputDim: 512, imageSize: 224 };

/** Where the tensors live in open_clip checkpoints. */
export const RESNET_PREFIX = 'visual.';

/** Float tensors the architecture reads, for any frozen-weight source. */
export interface WeightSource {
  float32(name: string): Float32Array;
}

const BN_PARTS = ['weight', 'bias', 'running_mean', 'running_var'];

/** Bottlenecks of each stage: [stage name, planes, stride, blocks]. */
function stages(c: ClipResNetConfig): [string, number, number, number][] {
  return c.layers.map((n, k) => [`layer${k + 1}`, c.width * 2 ** k, k === 0 ? 1 : 2, n]);
}

/** Every tensor name and shape of the image tower (the exact open_clip layout). */
export function clipResNetSpec(c: ClipResNetConfig, prefix = RESNET_PREFIX): WeightSpec {
  const t = new Map<string, number[]>();
  const convBn = (name: string, bn: string, out: number, inp: number, k: number): void => {
    t.set(`${prefix}${name}.weight`, [out, inp, k, k]);
    for (const p of BN_PARTS) t.set(`${prefix}${bn}.${p}`, [out]);
  };
  const half = c.width / 2;
  convBn('conv1', 'bn1', half, 3, 3);
  convBn('conv2', 'bn2', half, half, 3);
  convBn('conv3', 'bn3', c.width, half, 3);
  let inplanes = c.width;
  for (const [layer, planes, stride, blocks] of stages(c)) {
    for (let i = 0; i < blocks; i++) {
      const b = `${layer}.${i}`;
      convBn(`${b}.conv1`, `${b}.bn1`, planes, inplanes, 1);
      convBn(`${b}.conv2`, `${b}.bn2`, planes, planes, 3);
      convBn(`${b}.conv3`, `${b}.bn3`, planes * 4, planes, 1);
      if (i === 0 && (stride > 1 || inplanes !== planes * 4)) convBn(`${b}.downsample.0`, `${b}.downsample.1`, planes * 4, inplanes, 1);
      inplanes = planes * 4;
    }
  }
  const embed = c.width * 32;
  const grid = c.imageSize / 32;
  t.set(`${prefix}attnpool.positional_embedding`, [grid * grid + 1, embed]);
  for (const p of ['q_proj', 'k_proj', 'v_proj']) {
    t.set(`${prefix}attnpool.${p}.weight`, [embed, embed]);
    t.set(`${prefix}attnpool.${p}.bias`, [embed]);
  }
  t.set(`${prefix}attnpool.c_proj.weight`, [c.outputDim, embed]);
  t.set(`${prefix}attnpool.c_proj.bias`, [c.outputDim]);
  return { tensors: t, prefixes: [prefix], ignore: /\.num_batches_tracked$/, dtypes: ['F32', 'F16', 'BF16'] };
}

export interface ClipArchOptions {
  /** Initializer storage: float16 halves the model in memory; arithmetic stays float32. */
  storage?: 'float32' | 'float16';
}

/** conv weight and bias with the following BatchNorm folded in: w * s, beta - mean * s, s = gamma / sqrt(var + eps). */
export function foldBatchNorm(
  w: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
): [Float32Array, Float32Array] {
  const out = gamma.length;
  const per = w.length / out;
  const fw = new Float32Array(w.length);
  const fb = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    const s = gamma[o] / Math.sqrt(variance[o] + BN_EPS);
    for (let i = 0; i < per; i++) fw[o * per + i] = w[o * per + i] * s;
    fb[o] = beta[o] - mean[o] * s;
  }
  return [fw, fb];
}

/** Row-major [rows, cols] -> [cols, rows]. */
export function transpose2d(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

/** Prepared (folded / transposed) arrays, computed once and shared by every graph built. */
function memo(): <T>(key: string, make: () => T) => T {
  const cache = new Map<string, unknown>();
  return <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
}

export function clipNormalize(g: Graph, images: Tensor): Tensor {
  const mean = g.weight('clip_mean', Float32Array.from(CLIP_MEAN), [1, 3, 1, 1]);
  const std = g.weight('clip_std', Float32Array.from(CLIP_STD), [1, 3, 1, 1]);
  return div(sub(images, mean), std);
}

export function clipResNet(
  c: ClipResNetConfig,
  weights: WeightSource,
  options: ClipArchOptions = {},
  prefix = RESNET_PREFIX,
): Architecture {
  const spec = clipResNetSpec(c, prefix).tensors;
  const once = memo();
  const read = (name: string): Float32Array => weights.float32(prefix + name);
  const storage = options.storage ?? 'float32';

  return (g, images) => {
    const [B, , S] = images.shape;
    if (S !== c.imageSize) throw new Error(`CLIP ResNet expects ${c.imageSize}x${c.imageSize} images, got ${S}`);
    const W = (name: string, data: Float32Array, shape: number[]): Tensor => g.weight(name, data, shape, { storage });
    const convBn = (x: Tensor, name: string, bn: string, pad: number): Tensor => {
      const shape = [...spec.get(`${prefix}${name}.weight`)!];
      const [fw, fb] = once(name, () =>
        foldBatchNorm(
          read(`${name}.weight`),
          read(`${bn}.weight`),
          read(`${bn}.bias`),
          read(`${bn}.running_mean`),
          read(`${bn}.running_var`),
        ),
      );
      return conv(x, W(name, fw, shape), g.weight(`${name}.bias`, fb, [shape[0]]), {
        pads: [pad, pad, pad, pad],
        strides: name === 'conv1' ? [2, 2] : [1, 1],
      });
    };
    const pool = (x: Tensor, k: number): Tensor => (k > 1 ? averagePool(x, { kernel: [k, k], strides: [k, k] }) : x);

    let x = clipNormalize(g, images);
    x = relu(convBn(x, 'conv1', 'bn1', 1));
    x = relu(convBn(x, 'conv2', 'bn2', 1));
    x = relu(convBn(x, 'conv3', 'bn3', 1));
    x = pool(x, 2);
    const taps: Record<string, Tensor> = {};
    for (const [layer, , stride, blocks] of stages(c)) {
      for (let i = 0; i < blocks; i++) {
        const b = `${layer}.${i}`;
        const s = i === 0 ? stride : 1;
        let out = relu(convBn(x, `${b}.conv1`, `${b}.bn1`, 0));
        out = relu(convBn(out, `${b}.conv2`, `${b}.bn2`, 1));
        out = convBn(pool(out, s), `${b}.conv3`, `${b}.bn3`, 0);
        const shortcut = spec.has(`${prefix}${b}.downsample.0.weight`)
          ? convBn(pool(x, s), `${b}.downsample.0`, `${b}.downsample.1`, 0)
          : x;
        x = relu(add(out, shortcut));
      }
      taps[layer] = x;
    }
    return { taps, embedding: attentionPool(g, x, B, c, read, once, W) };
  };
}

/** open_clip AttentionPool2d, evaluated for the class (mean) token only: its output is all CLIP uses. */
function attentionPool(
  g: Graph,
  x: Tensor,
  B: number,
  c: ClipResNetConfig,
  read: (name: string) => Float32Array,
  once: <T>(key: string, make: () => T) => T,
  W: (name: string, data: Float32Array, shape: number[]) => Tensor,
): Tensor {
  const [, E, h, w] = x.shape;
  const T = h * w + 1;
  const H = c.heads;
  const d = E / H;
  const tokens = transpose(reshape(x, [B, E, h * w]), [0, 2, 1]);
  const seq = add(concat([reduceMean(tokens, [1], true), tokens], 1), W('attnpool.pos', read('attnpool.positional_embedding'), [T, E]));
  const proj = (name: string, input: Tensor): Tensor => {
    const wt = once(`${name}.T`, () => transpose2d(read(`attnpool.${name}.weight`), E, E));
    return add(matmul(input, W(`attnpool.${name}`, wt, [E, E])), g.weight(`attnpool.${name}.bias`, read(`attnpool.${name}.bias`), [E]));
  };
  const split = (t: Tensor, n: number): Tensor => transpose(reshape(t, [B, n, H, d]), [0, 2, 1, 3]);
  const q = split(mul(proj('q_proj', slice(seq, [0], [1], [1])), 1 / Math.sqrt(d)), 1);
  const k = split(proj('k_proj', seq), T);
  const v = split(proj('v_proj', seq), T);
  const attn = softmax(matmul(q, transpose(k, [0, 1, 3, 2])));
  const ctx = reshape(transpose(matmul(attn, v), [0, 2, 1, 3]), [B, E]);
  return gemm(
    ctx,
    W('attnpool.c_proj', read('attnpool.c_proj.weight'), [c.outputDim, E]),
    { transB: true },
    g.weight('attnpool.c_proj.bias', read('attnpool.c_proj.bias'), [c.outputDim]),
  );
}
