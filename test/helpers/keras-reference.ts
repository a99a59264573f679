// An independent plain-TypeScript forward of a Keras layers model, in Keras's own terms:
// NHWC, float64, BatchNormalization applied as written (never folded), TF 'same' padding.
// It shares nothing with the graph emitter but the weight reader, so it checks both the
// ONNX graph (folding, layout, padding) and, against TF.js, the reader itself.
import { layerWeight, type KerasLayer, type LayersModel } from '../../src/engine/networks/tfjs/layers.ts';

/** NHWC (batch 1) or flat [features] activations. */
export interface Activation {
  shape: number[];
  data: Float64Array;
}

/** Runs `model` on one HWC image; returns the outputs of `wanted` layers. */
export function kerasForward(
  model: LayersModel,
  image: Float32Array,
  inputShape: [number, number, number],
  wanted: readonly string[],
): Record<string, Activation> {
  const values = new Map<string, Activation>();
  const remaining = new Set(wanted);
  for (const l of model.layers) {
    if (remaining.size === 0) break;
    const x = l.inbound.length > 0 ? values.get(l.inbound[0])! : null;
    values.set(
      l.name,
      l.className === 'InputLayer'
        ? { shape: [...inputShape], data: Float64Array.from(image) }
        : layer(
            model,
            l,
            x!,
            l.inbound.map((n) => values.get(n)!),
          ),
    );
    remaining.delete(l.name);
  }
  return Object.fromEntries(wanted.map((n) => [n, values.get(n)!]));
}

function layer(model: LayersModel, l: KerasLayer, x: Activation, all: Activation[]): Activation {
  const c = l.config;
  switch (l.className) {
    case 'ZeroPadding2D': {
      const [[t, b], [left, r]] = c.padding as number[][];
      return padHwc(x, t, b, left, r);
    }
    case 'Conv2D':
    case 'DepthwiseConv2D':
      return convLayer(model, l, x);
    case 'BatchNormalization': {
      const mean = layerWeight(model, l.name, 'moving_mean');
      const variance = layerWeight(model, l.name, 'moving_variance');
      const gamma = layerWeight(model, l.name, 'gamma');
      const beta = layerWeight(model, l.name, 'beta');
      const ch = x.shape[x.shape.length - 1];
      const eps = c.epsilon as number;
      return {
        shape: x.shape,
        data: x.data.map((v, i) => ((v - mean[i % ch]) / Math.sqrt(variance[i % ch] + eps)) * gamma[i % ch] + beta[i % ch]),
      };
    }
    case 'ReLU': {
      const max = (c.max_value as number | null) ?? Infinity;
      return { shape: x.shape, data: x.data.map((v) => Math.min(Math.max(v, 0), max)) };
    }
    case 'Add':
      return { shape: x.shape, data: x.data.map((v, i) => all.reduce((s, a) => s + a.data[i], 0)) };
    case 'AveragePooling2D': {
      const [ph, pw] = c.pool_size as number[];
      const [sh, sw] = c.strides as number[];
      const [h, w, ch] = x.shape;
      const ho = Math.floor((h - ph) / sh) + 1;
      const wo = Math.floor((w - pw) / sw) + 1;
      const out = new Float64Array(ho * wo * ch);
      for (let y = 0; y < ho; y++)
        for (let xx = 0; xx < wo; xx++)
          for (let k = 0; k < ch; k++) {
            let s = 0;
            for (let i = 0; i < ph; i++) for (let j = 0; j < pw; j++) s += x.data[((y * sh + i) * w + xx * sw + j) * ch + k];
            out[(y * wo + xx) * ch + k] = s / (ph * pw);
          }
      return { shape: [ho, wo, ch], data: out };
    }
    case 'Flatten':
    case 'Dropout':
      return { shape: l.className === 'Flatten' ? [x.data.length] : x.shape, data: x.data };
    case 'Dense': {
      const kernel = layerWeight(model, l.name, 'kernel');
      const bias = layerWeight(model, l.name, 'bias');
      const n = bias.length;
      const out = Float64Array.from(bias);
      for (let i = 0; i < x.data.length; i++) for (let j = 0; j < n; j++) out[j] += x.data[i] * kernel[i * n + j];
      return { shape: [n], data: act(out, c.activation as string) };
    }
    default:
      throw new Error(`keras reference: ${l.className} not implemented`);
  }
}

function act(v: Float64Array, name: string): Float64Array {
  if (name === 'linear') return v;
  if (name === 'relu') return v.map((x) => Math.max(x, 0));
  if (name === 'softmax') {
    const m = Math.max(...v);
    const e = v.map((x) => Math.exp(x - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / s);
  }
  throw new Error(`keras reference: activation ${name} not implemented`);
}

function padHwc(x: Activation, t: number, b: number, l: number, r: number): Activation {
  const [h, w, ch] = x.shape;
  const H = h + t + b;
  const W = w + l + r;
  const out = new Float64Array(H * W * ch);
  for (let y = 0; y < h; y++) out.set(x.data.subarray(y * w * ch, (y + 1) * w * ch), ((y + t) * W + l) * ch);
  return { shape: [H, W, ch], data: out };
}

function convLayer(model: LayersModel, l: KerasLayer, x: Activation): Activation {
  const c = l.config;
  const depthwise = l.className === 'DepthwiseConv2D';
  const kname = depthwise ? 'depthwise_kernel' : 'kernel';
  const kernel = layerWeight(model, l.name, kname);
  const [kh, kw, cin, last] = model.weights.get(`${l.name}/${kname}`)!.shape;
  const [sh, sw] = c.strides as number[];
  let input = x;
  if (c.padding === 'same') {
    const [h, w] = x.shape;
    const th = Math.max((Math.ceil(h / sh) - 1) * sh + kh - h, 0);
    const tw = Math.max((Math.ceil(w / sw) - 1) * sw + kw - w, 0);
    input = padHwc(x, th >> 1, th - (th >> 1), tw >> 1, tw - (tw >> 1));
  }
  const [h, w] = input.shape;
  const ho = Math.floor((h - kh) / sh) + 1;
  const wo = Math.floor((w - kw) / sw) + 1;
  const cout = depthwise ? cin * last : last;
  const out = new Float64Array(ho * wo * cout);
  for (let y = 0; y < ho; y++) {
    for (let xx = 0; xx < wo; xx++) {
      const o = (y * wo + xx) * cout;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const src = ((y * sh + i) * w + xx * sw + j) * cin;
          const kb = (i * kw + j) * cin * last;
          for (let ci = 0; ci < cin; ci++) {
            const v = input.data[src + ci];
            if (v === 0) continue;
            if (depthwise) for (let m = 0; m < last; m++) out[o + ci * last + m] += v * kernel[kb + ci * last + m];
            else for (let co = 0; co < last; co++) out[o + co] += v * kernel[kb + ci * last + co];
          }
        }
      }
    }
  }
  if (c.use_bias) {
    const bias = layerWeight(model, l.name, 'bias');
    for (let i = 0; i < out.length; i++) out[i] += bias[i % cout];
  }
  return { shape: [ho, wo, cout], data: act(out, (c.activation as string) ?? 'linear') };
}
