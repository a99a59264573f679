// Emits a Keras functional model (read by tfjs-layers.ts) into the compiler's graph, NCHW.
// Weights are frozen, so BatchNormalization is folded into the Conv2D / DepthwiseConv2D
// before it (per output channel: W' = W s, b' = (b - mean) s + beta, s = gamma / sqrt(var + eps)),
// and a ZeroPadding2D feeding a 'valid' conv becomes that conv's pads (no Pad node).
import type { Graph, Tensor, WeightOptions } from '../../compiler/graph.ts';
import { add, clip, mul, relu } from '../../compiler/ops/elementwise.ts';
import { conv } from '../../compiler/ops/conv.ts';
import { pad } from '../../compiler/ops/shape.ts';
import { ancestors, layerWeight, type KerasLayer, type LayersModel } from './layers.ts';

export interface KerasGraphOptions {
  /** Layers whose outputs are returned (NCHW); their ancestors are emitted, nothing else. */
  outputs: readonly string[];
  storage?: WeightOptions['storage'];
}

/** A tensor, or a zero padding [top, left, bottom, right] not yet applied to it. */
interface Value {
  tensor: Tensor;
  pads?: [number, number, number, number];
}

export interface FoldedConv {
  /** ONNX layout [O, I/group, kh, kw]. */
  weight: Float32Array;
  shape: [number, number, number, number];
  bias: Float32Array;
  group: number;
}

/** Emits `model` on `images` [B, C, H, W] (the InputLayer's value); returns the requested outputs. */
export function emitKerasModel(g: Graph, model: LayersModel, images: Tensor, o: KerasGraphOptions): Record<string, Tensor> {
  const consumers = new Map<string, KerasLayer[]>();
  for (const l of ancestors(model, o.outputs)) for (const src of l.inbound) consumers.set(src, [...(consumers.get(src) ?? []), l]);
  const wanted = new Set(o.outputs);
  const values = new Map<string, Value>();
  const folded = new Set<string>();
  const input = (l: KerasLayer, i = 0): Value => {
    const v = values.get(l.inbound[i]);
    if (!v) throw new Error(`Keras layer '${l.name}': input '${l.inbound[i]}' was not computed (unsupported or out of order)`);
    return v;
  };
  const dense = (v: Value): Tensor => (v.pads ? pad(v.tensor, [0, 0, v.pads[0], v.pads[1], 0, 0, v.pads[2], v.pads[3]]) : v.tensor);

  for (const l of ancestors(model, o.outputs)) {
    if (folded.has(l.name)) continue;
    const c = l.config;
    switch (l.className) {
      case 'InputLayer':
        values.set(l.name, { tensor: images });
        break;
      case 'ZeroPadding2D': {
        const [[t, b], [left, r]] = c.padding as number[][];
        const prev = input(l);
        if (prev.pads) throw new Error(`Keras layer '${l.name}': two ZeroPadding2D in a row are not supported`);
        values.set(l.name, { tensor: prev.tensor, pads: [t, left, b, r] });
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const next = consumers.get(l.name) ?? [];
        const bn = next.length === 1 && next[0].className === 'BatchNormalization' && !wanted.has(l.name) ? next[0] : null;
        const f = foldConv(model, l, bn, input(l).tensor.shape[1]);
        const v = input(l);
        const k = [f.shape[2], f.shape[3]];
        const strides = c.strides as number[];
        const dilations = (c.dilation_rate as number[] | undefined) ?? [1, 1];
        let pads: number[];
        if (c.padding === 'same') {
          if (v.pads) throw new Error(`Keras layer '${l.name}': ZeroPadding2D before a 'same' conv is not supported`);
          pads = samePads(v.tensor.shape.slice(2), k, strides, dilations);
        } else if (c.padding === 'valid') pads = v.pads ?? [0, 0, 0, 0];
        else throw new Error(`Keras layer '${l.name}': padding '${String(c.padding)}' is not supported`);
        const w = g.weight(`${l.name}_w`, f.weight, f.shape, { storage: o.storage });
        const b = g.weight(`${l.name}_b`, f.bias, [f.shape[0]], { storage: o.storage });
        let y = conv(v.tensor, w, b, { strides, pads, dilations, group: f.group });
        y = activation(y, c.activation, l.name);
        values.set(l.name, { tensor: y });
        if (bn) {
          folded.add(bn.name);
          values.set(bn.name, { tensor: y });
        }
        break;
      }
      case 'BatchNormalization': {
        // Not foldable (its conv is an output itself, or no conv before it): y = x * scale + shift.
        const x = dense(input(l));
        const ch = x.shape[1];
        const { scale, shift } = batchNormAffine(model, l, ch);
        const s = g.weight(`${l.name}_scale`, Float32Array.from(scale), [ch, 1, 1], { storage: o.storage });
        const t = g.weight(`${l.name}_shift`, Float32Array.from(shift), [ch, 1, 1], { storage: o.storage });
        values.set(l.name, { tensor: add(mul(x, s), t) });
        break;
      }
      case 'ReLU': {
        const max = c.max_value as number | null | undefined;
        if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0)
          throw new Error(`Keras layer '${l.name}': leaky/threshold ReLU is not supported`);
        const x = dense(input(l));
        values.set(l.name, { tensor: max === null || max === undefined ? relu(x) : clip(x, 0, max) });
        break;
      }
      case 'Activation':
        values.set(l.name, { tensor: activation(dense(input(l)), c.activation, l.name) });
        break;
      case 'Add':
        values.set(l.name, { tensor: l.inbound.map((_, i) => dense(input(l, i))).reduce((a, b) => add(a, b)) });
        break;
      default:
        throw new Error(`Keras layer '${l.name}': class ${l.className} is not supported by the graph emitter`);
    }
  }
  const out: Record<string, Tensor> = {};
  for (const name of o.outputs) {
    const v = values.get(name);
    if (!v) throw new Error(`Keras model: output '${name}' was not computed (folded into its conv, or no such layer)`);
    out[name] = dense(v);
  }
  return out;
}

function activation(x: Tensor, name: unknown, layer: string): Tensor {
  if (name === undefined || name === 'linear') return x;
  if (name === 'relu') return relu(x);
  if (name === 'relu6') return clip(x, 0, 6);
  throw new Error(`Keras layer '${layer}': activation '${String(name)}' is not supported`);
}

/** TensorFlow's 'same' padding: output ceil(in / stride), the odd pixel at the bottom/right. */
export function samePads(
  input: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
): number[] {
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < 2; i++) {
    const out = Math.ceil(input[i] / strides[i]);
    const total = Math.max((out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - input[i], 0);
    before.push(Math.floor(total / 2));
    after.push(total - Math.floor(total / 2));
  }
  return [...before, ...after];
}

/**
 * A conv's weights in ONNX layout with an optional BatchNormalization folded in. Keras
 * Conv2D kernels are [kh, kw, in, out]; DepthwiseConv2D kernels [kh, kw, in, multiplier]
 * with output channel c * multiplier + m (group = in).
 */
export function foldConv(model: LayersModel, l: KerasLayer, bn: KerasLayer | null, channelsIn: number): FoldedConv {
  const depthwise = l.className === 'DepthwiseConv2D';
  const kernel = layerWeight(model, l.name, depthwise ? 'depthwise_kernel' : 'kernel');
  const shape = model.weights.get(`${l.name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`)!.shape;
  const [kh, kw, cin, last] = shape;
  if (cin !== channelsIn) throw new Error(`Keras layer '${l.name}': kernel expects ${cin} input channels, got ${channelsIn}`);
  const cout = depthwise ? cin * last : last;
  const perOut = depthwise ? 1 : cin;
  const weight = new Float32Array(cout * perOut * kh * kw);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let j = 0; j < last; j++) {
          const v = kernel[((y * kw + x) * cin + i) * last + j];
          // depthwise: out = i*last + j, its single input; else out = j, input i
          const dst = depthwise ? ((i * last + j) * kh + y) * kw + x : ((j * cin + i) * kh + y) * kw + x;
          weight[dst] = v;
        }
      }
    }
  }
  const bias = l.config.use_bias ? layerWeight(model, l.name, 'bias') : new Float32Array(cout);
  if (bn) {
    const { scale, shift } = batchNormAffine(model, bn, cout);
    const per = perOut * kh * kw;
    for (let oc = 0; oc < cout; oc++) {
      for (let k = 0; k < per; k++) weight[oc * per + k] *= scale[oc];
      bias[oc] = bias[oc] * scale[oc] + shift[oc];
    }
  }
  return { weight, shape: [cout, perOut, kh, kw], bias, group: depthwise ? cin : 1 };
}

/** BatchNormalization (inference) as y = x * scale + shift per channel. */
export function batchNormAffine(model: LayersModel, bn: KerasLayer, channels: number): { scale: Float64Array; shift: Float64Array } {
  const c = bn.config;
  const axis = (c.axis as number | number[] | undefined) ?? -1;
  const axisValue = Array.isArray(axis) ? axis : [axis];
  if (axisValue.length !== 1 || (axisValue[0] !== -1 && axisValue[0] !== 3)) {
    throw new Error(`Keras layer '${bn.name}': BatchNormalization over axis ${JSON.stringify(axis)}; only the channel axis is supported`);
  }
  const eps = c.epsilon as number;
  if (typeof eps !== 'number') throw new Error(`Keras layer '${bn.name}': epsilon missing from the config`);
  const mean = layerWeight(model, bn.name, 'moving_mean');
  const variance = layerWeight(model, bn.name, 'moving_variance');
  const gamma = c.scale === false ? new Float32Array(channels).fill(1) : layerWeight(model, bn.name, 'gamma');
  const beta = c.center === false ? new Float32Array(channels) : layerWeight(model, bn.name, 'beta');
  if (mean.length !== channels) throw new Error(`Keras layer '${bn.name}': ${mean.length} channels, the conv has ${channels}`);
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let i = 0; i < channels; i++) {
    scale[i] = gamma[i] / Math.sqrt(variance[i] + eps);
    shift[i] = beta[i] - mean[i] * scale[i];
  }
  return { scale, shift };
}
