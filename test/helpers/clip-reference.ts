// Plain float64 forward passes of the CLIP towers, written from the published architectures
// straight over the checkpoint tensors (unfolded BatchNorm, [out, in] Linear weights, full
// multi-head attention over all tokens). Shares no code with the graph builders: it checks
// layouts, folding and transposes as well as the arithmetic.
import type { ClipResNetConfig } from '../../src/engine/networks/clip-resnet.ts';
import type { ClipVitConfig } from '../../src/engine/networks/clip-vit.ts';

type Get = (name: string) => Float64Array;
/** One image: channels x h x w. */
interface Map3 {
  c: number;
  h: number;
  w: number;
  d: Float64Array;
}

const MEAN = [0.48145466, 0.4578275, 0.40821073];
const STD = [0.26862954, 0.26130258, 0.27577711];

function normalize(img: Float64Array, S: number): Map3 {
  const d = img.map((v, i) => (v - MEAN[Math.floor(i / (S * S))]) / STD[Math.floor(i / (S * S))]);
  return { c: 3, h: S, w: S, d };
}

function conv2d(x: Map3, wt: Float64Array, out: number, k: number, stride: number, pad: number): Map3 {
  const h = Math.floor((x.h + 2 * pad - k) / stride) + 1;
  const w = Math.floor((x.w + 2 * pad - k) / stride) + 1;
  const d = new Float64Array(out * h * w);
  for (let o = 0; o < out; o++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++) {
        let s = 0;
        for (let c = 0; c < x.c; c++)
          for (let i = 0; i < k; i++) {
            const iy = y * stride - pad + i;
            if (iy < 0 || iy >= x.h) continue;
            for (let j = 0; j < k; j++) {
              const ix = xx * stride - pad + j;
              if (ix >= 0 && ix < x.w) s += x.d[(c * x.h + iy) * x.w + ix] * wt[((o * x.c + c) * k + i) * k + j];
            }
          }
        d[(o * h + y) * w + xx] = s;
      }
  return { c: out, h, w, d };
}

function batchNorm(x: Map3, get: Get, bn: string): Map3 {
  const [g, b, m, v] = ['weight', 'bias', 'running_mean', 'running_var'].map((p) => get(`${bn}.${p}`));
  const n = x.h * x.w;
  return {
    ...x,
    d: x.d.map((val, i) => {
      const c = Math.floor(i / n);
      return ((val - m[c]) / Math.sqrt(v[c] + 1e-5)) * g[c] + b[c];
    }),
  };
}

const reluMap = (x: Map3): Map3 => ({ ...x, d: x.d.map((v) => Math.max(v, 0)) });

function avgPool(x: Map3, k: number): Map3 {
  if (k === 1) return x;
  const h = Math.floor(x.h / k);
  const w = Math.floor(x.w / k);
  const d = new Float64Array(x.c * h * w);
  for (let c = 0; c < x.c; c++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++) {
        let s = 0;
        for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) s += x.d[(c * x.h + y * k + i) * x.w + xx * k + j];
        d[(c * h + y) * w + xx] = s / (k * k);
      }
  return { c: x.c, h, w, d };
}

/** y[t, o] = sum_i x[t, i] W[o, i] + b[o] for tokens x [T, in]. */
function linear(x: Float64Array, T: number, inp: number, W: Float64Array, out: number, b?: Float64Array): Float64Array {
  const y = new Float64Array(T * out);
  for (let t = 0; t < T; t++)
    for (let o = 0; o < out; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < inp; i++) s += x[t * inp + i] * W[o * inp + i];
      y[t * out + o] = s;
    }
  return y;
}

/** Multi-head attention of all T queries; returns the context [T, D] and the weights [H, T, T]. */
function attention(
  q: Float64Array,
  k: Float64Array,
  v: Float64Array,
  T: number,
  D: number,
  H: number,
): { ctx: Float64Array; weights: Float64Array } {
  const d = D / H;
  const ctx = new Float64Array(T * D);
  const weights = new Float64Array(H * T * T);
  for (let h = 0; h < H; h++)
    for (let i = 0; i < T; i++) {
      const row = new Float64Array(T);
      for (let j = 0; j < T; j++) {
        let s = 0;
        for (let e = 0; e < d; e++) s += q[i * D + h * d + e] * k[j * D + h * d + e];
        row[j] = s / Math.sqrt(d);
      }
      const mx = Math.max(...row);
      let z = 0;
      for (let j = 0; j < T; j++) z += row[j] = Math.exp(row[j] - mx);
      for (let j = 0; j < T; j++) {
        const a = row[j] / z;
        weights[(h * T + i) * T + j] = a;
        for (let e = 0; e < d; e++) ctx[i * D + h * d + e] += a * v[j * D + h * d + e];
      }
    }
  return { ctx, weights };
}

export interface ReferenceOutputs {
  taps: Record<string, Float64Array>;
  embedding: Float64Array;
  saliency?: Float64Array;
}

/** One RGB image [3, S, S] in [0, 1]. */
export function referenceResNet(c: ClipResNetConfig, getRaw: Get, img: Float64Array): ReferenceOutputs {
  const get: Get = (n) => getRaw(`visual.${n}`);
  const convBn = (x: Map3, conv: string, bn: string, out: number, k: number, stride: number, pad: number): Map3 =>
    batchNorm(conv2d(x, get(`${conv}.weight`), out, k, stride, pad), get, bn);
  let x = normalize(img, c.imageSize);
  x = reluMap(convBn(x, 'conv1', 'bn1', c.width / 2, 3, 2, 1));
  x = reluMap(convBn(x, 'conv2', 'bn2', c.width / 2, 3, 1, 1));
  x = reluMap(convBn(x, 'conv3', 'bn3', c.width, 3, 1, 1));
  x = avgPool(x, 2);
  const taps: Record<string, Float64Array> = {};
  c.layers.forEach((blocks, s) => {
    const planes = c.width * 2 ** s;
    for (let i = 0; i < blocks; i++) {
      const b = `layer${s + 1}.${i}`;
      const stride = i === 0 && s > 0 ? 2 : 1;
      let out = reluMap(convBn(x, `${b}.conv1`, `${b}.bn1`, planes, 1, 1, 0));
      out = reluMap(convBn(out, `${b}.conv2`, `${b}.bn2`, planes, 3, 1, 1));
      out = convBn(avgPool(out, stride), `${b}.conv3`, `${b}.bn3`, planes * 4, 1, 1, 0);
      const identity = i === 0 ? convBn(avgPool(x, stride), `${b}.downsample.0`, `${b}.downsample.1`, planes * 4, 1, 1, 0) : x;
      x = reluMap({ ...out, d: out.d.map((v, j) => v + identity.d[j]) });
    }
    taps[`layer${s + 1}`] = x.d;
  });
  // Attention pooling: tokens [mean, pixels...] + positional embedding; output of token 0.
  const E = x.c;
  const n = x.h * x.w;
  const T = n + 1;
  const tokens = new Float64Array(T * E);
  const pos = get('attnpool.positional_embedding');
  for (let e = 0; e < E; e++) {
    let mean = 0;
    for (let p = 0; p < n; p++) {
      tokens[(p + 1) * E + e] = x.d[e * n + p];
      mean += x.d[e * n + p] / n;
    }
    tokens[e] = mean;
  }
  for (let i = 0; i < tokens.length; i++) tokens[i] += pos[i];
  const proj = (p: string): Float64Array => linear(tokens, T, E, get(`attnpool.${p}.weight`), E, get(`attnpool.${p}.bias`));
  const { ctx } = attention(proj('q_proj'), proj('k_proj'), proj('v_proj'), T, E, c.heads);
  const embedding = linear(ctx.subarray(0, E), 1, E, get('attnpool.c_proj.weight'), c.outputDim, get('attnpool.c_proj.bias'));
  return { taps, embedding };
}

function layerNorm(x: Float64Array, T: number, D: number, g: Float64Array, b: Float64Array): Float64Array {
  const y = new Float64Array(T * D);
  for (let t = 0; t < T; t++) {
    const row = x.subarray(t * D, (t + 1) * D);
    const mean = row.reduce((a, v) => a + v, 0) / D;
    const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / D;
    for (let i = 0; i < D; i++) y[t * D + i] = ((row[i] - mean) / Math.sqrt(variance + 1e-5)) * g[i] + b[i];
  }
  return y;
}

/** One RGB image [3, S, S] in [0, 1]; taps `block<i>` for the given blocks. */
export function referenceVit(c: ClipVitConfig, get: Get, img: Float64Array, tapBlocks: readonly number[]): ReferenceOutputs {
  const D = c.width;
  const g = c.imageSize / c.patch;
  const T = g * g + 1;
  const V = 'visual.';
  const patches = conv2d(normalize(img, c.imageSize), get(`${V}conv1.weight`), D, c.patch, c.patch, 0);
  let h: Float64Array = new Float64Array(T * D);
  h.set(get(`${V}class_embedding`), 0);
  for (let p = 0; p < g * g; p++) for (let e = 0; e < D; e++) h[(p + 1) * D + e] = patches.d[e * g * g + p];
  const pos = get(`${V}positional_embedding`);
  h = h.map((v, i) => v + pos[i]);
  const ln = (x: Float64Array, name: string): Float64Array => layerNorm(x, T, D, get(`${name}.weight`), get(`${name}.bias`));
  h = ln(h, `${V}ln_pre`);
  const taps: Record<string, Float64Array> = {};
  const saliency = new Float64Array(g * g);
  for (let i = 0; i < c.layers; i++) {
    const l = `${V}transformer.resblocks.${i}`;
    const lin = (x: Float64Array, name: string, out: number, inp: number): Float64Array =>
      linear(x, T, inp, get(`${name}.weight`), out, get(`${name}.bias`));
    // PyTorch MultiheadAttention packs q, k, v as rows of one [3D, D] weight and a [3D] bias.
    const inW = get(`${l}.attn.in_proj_weight`);
    const inB = get(`${l}.attn.in_proj_bias`);
    const a = ln(h, `${l}.ln_1`);
    const part = (k: number): Float64Array =>
      linear(a, T, D, inW.subarray(k * D * D, (k + 1) * D * D), D, inB.subarray(k * D, (k + 1) * D));
    const { ctx, weights } = attention(part(0), part(1), part(2), T, D, c.heads);
    for (let hd = 0; hd < c.heads; hd++) for (let p = 0; p < g * g; p++) saliency[p] += weights[hd * T * T + p + 1] / (c.heads * c.layers);
    const o = lin(ctx, `${l}.attn.out_proj`, D, D);
    h = h.map((v, j) => v + o[j]);
    const f1 = lin(ln(h, `${l}.ln_2`), `${l}.mlp.c_fc`, 4 * D, D).map((v) => v / (1 + Math.exp(-1.702 * v)));
    const f2 = lin(f1, `${l}.mlp.c_proj`, D, 4 * D);
    h = h.map((v, j) => v + f2[j]);
    if (tapBlocks.includes(i)) taps[`block${i}`] = h;
  }
  const pooled = layerNorm(h.subarray(0, D), 1, D, get(`${V}ln_post.weight`), get(`${V}ln_post.bias`));
  // visual.proj is [D, out] (x @ proj), not a Linear weight [out, D].
  const proj = get(`${V}proj`);
  const embedding = new Float64Array(c.outputDim).map((_, o) => pooled.reduce((s, v, e) => s + v * proj[e * c.outputDim + o], 0));
  return { taps, embedding, saliency };
}
