// MatMul, Gemm, Conv (incl. grouped/depthwise), ConvTranspose and pooling, with input
// gradients. Weights are frozen: asking for a Conv weight gradient is an error.
import type { Attrs, BackwardContext, Primitive, Tensor } from '../graph.ts';
import { convInputGradient } from './conv-adjoint.ts';
import { mul } from './elementwise.ts';
import { expand, transpose } from './shape.ts';
import { broadcastShapes, requireFloat } from './util.ts';

export const MatMul: Primitive = {
  type: 'MatMul',
  attrs: {},
  infer([a, b]) {
    requireFloat('MatMul', a, b);
    if (a!.rank < 2 || b!.rank < 2) throw new Error(`MatMul: operands need rank >= 2 (reshape vectors), got ${a} and ${b}`);
    const [m, k] = a!.shape.slice(-2);
    const [k2, n] = b!.shape.slice(-2);
    if (k !== k2) throw new Error(`MatMul: inner dimensions differ: ${a} x ${b}`);
    const batch = broadcastShapes('MatMul', a!.shape.slice(0, -2), b!.shape.slice(0, -2));
    return [{ shape: [...batch, m, n], dtype: 'float32' }];
  },
  // dA = g B^T, dB = A^T g (batch dims reduced by the driver's un-broadcast).
  backward: ({ inputs: [a, b], needs }, [g]) => [
    needs[0] ? matmul(g!, swapLast(b!)) : null,
    needs[1] ? matmul(swapLast(a!), g!) : null,
  ],
};

function swapLast(t: Tensor): Tensor {
  const perm = t.shape.map((_, i) => i);
  perm.splice(-2, 2, t.rank - 1, t.rank - 2);
  return transpose(t, perm);
}

export const matmul = (a: Tensor, b: Tensor): Tensor => a.graph.apply(MatMul, [a, b])[0];

export interface GemmOptions {
  alpha?: number;
  beta?: number;
  transA?: boolean;
  transB?: boolean;
}

export const Gemm: Primitive = {
  type: 'Gemm',
  attrs: { alpha: 'float', beta: 'float', transA: 'int', transB: 'int' },
  infer([a, b, c], attrs) {
    requireFloat('Gemm', a, b, c);
    if (a!.rank !== 2 || b!.rank !== 2) throw new Error(`Gemm: operands must be 2-D, got ${a} and ${b}`);
    const [m, k] = attrs.transA ? [a!.shape[1], a!.shape[0]] : a!.shape;
    const [k2, n] = attrs.transB ? [b!.shape[1], b!.shape[0]] : b!.shape;
    if (k !== k2) throw new Error(`Gemm: inner dimensions differ: ${a} x ${b}`);
    if (c && broadcastShapes('Gemm (C)', [m, n], c.shape).some((d, i) => d !== [m, n][i])) {
      throw new Error(`Gemm: C ${c} must broadcast to [${m},${n}]`);
    }
    return [{ shape: [m, n], dtype: 'float32' }];
  },
  // Y = alpha op(A) op(B) + beta C; each input gradient is itself one Gemm.
  backward({ inputs: [a, b, c], attrs, needs }, [g]) {
    const alpha = (attrs.alpha as number | undefined) ?? 1;
    const beta = (attrs.beta as number | undefined) ?? 1;
    const tA = !!attrs.transA;
    const tB = !!attrs.transB;
    const dA = !needs[0] ? null : tA ? gemm(b!, g!, { alpha, transA: tB, transB: true }) : gemm(g!, b!, { alpha, transB: !tB });
    const dB = !needs[1] ? null : tB ? gemm(g!, a!, { alpha, transA: true, transB: tA }) : gemm(a!, g!, { alpha, transA: !tA });
    const dC = c && needs[2] ? (beta === 1 ? g : mul(g!, beta)) : null;
    return [dA, dB, dC];
  },
};

export function gemm(a: Tensor, b: Tensor, options: GemmOptions = {}, c: Tensor | null = null): Tensor {
  const attrs: Attrs = {};
  if (options.alpha !== undefined && options.alpha !== 1) attrs.alpha = options.alpha;
  if (options.beta !== undefined && options.beta !== 1) attrs.beta = options.beta;
  if (options.transA) attrs.transA = 1;
  if (options.transB) attrs.transB = 1;
  return a.graph.apply(Gemm, c ? [a, b, c] : [a, b], attrs)[0];
}

export interface ConvOptions {
  strides?: readonly number[];
  /** [top, left, bottom, right] */
  pads?: readonly number[];
  dilations?: readonly number[];
  group?: number;
}

export interface ConvGeometry {
  strides: number[];
  pads: number[];
  dilations: number[];
  group: number;
}

function geometry(op: string, attrs: Attrs): ConvGeometry {
  const strides = (attrs.strides as number[] | undefined) ?? [1, 1];
  const pads = (attrs.pads as number[] | undefined) ?? [0, 0, 0, 0];
  const dilations = (attrs.dilations as number[] | undefined) ?? [1, 1];
  const group = (attrs.group as number | undefined) ?? 1;
  if (strides.length !== 2 || pads.length !== 4 || dilations.length !== 2) {
    throw new Error(`${op}: 2-D only (strides [sh,sw], pads [t,l,b,r], dilations [dh,dw])`);
  }
  return { strides, pads, dilations, group };
}

export const Conv: Primitive = {
  type: 'Conv',
  attrs: { strides: 'ints', pads: 'ints', dilations: 'ints', group: 'int', kernel_shape: 'ints' },
  infer([x, w, b], attrs) {
    requireFloat('Conv', x, w, b);
    const { strides, pads, dilations, group } = geometry('Conv', attrs);
    if (x!.rank !== 4 || w!.rank !== 4) throw new Error(`Conv: expects NCHW input and OIHW weight, got ${x} and ${w}`);
    const [n, c, h, wd] = x!.shape;
    const [m, cg, kh, kw] = w!.shape;
    if (c % group || m % group || cg !== c / group) {
      throw new Error(`Conv: input ${x} with group ${group} does not fit weight ${w}`);
    }
    if (b && (b.rank !== 1 || b.shape[0] !== m)) throw new Error(`Conv: bias ${b} must be [${m}]`);
    const ho = Math.floor((h + pads[0] + pads[2] - ((kh - 1) * dilations[0] + 1)) / strides[0]) + 1;
    const wo = Math.floor((wd + pads[1] + pads[3] - ((kw - 1) * dilations[1] + 1)) / strides[1]) + 1;
    if (ho < 1 || wo < 1) throw new Error(`Conv: kernel ${w} larger than padded input ${x}`);
    return [{ shape: [n, m, ho, wo], dtype: 'float32' }];
  },
  // dX = the adjoint conv; see convInputGradient.
  backward({ inputs: [x, w, b], attrs, needs }: BackwardContext, [g]) {
    if (needs[1] || (b && needs[2])) throw new Error('Conv: weight/bias gradients are not supported (weights are frozen)');
    return [convInputGradient(g!, w!, geometry('Conv', attrs), x!.shape), null, null];
  },
};

export function conv(x: Tensor, w: Tensor, b: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return x.graph.apply(Conv, b ? [x, w, b] : [x, w], convAttrs(options))[0];
}

function convAttrs(o: ConvOptions & { outputPadding?: readonly number[] }): Attrs {
  const attrs: Attrs = {};
  if (o.strides) attrs.strides = [...o.strides];
  if (o.pads) attrs.pads = [...o.pads];
  if (o.dilations) attrs.dilations = [...o.dilations];
  if (o.group && o.group !== 1) attrs.group = o.group;
  if (o.outputPadding && o.outputPadding.some((p) => p !== 0)) attrs.output_padding = [...o.outputPadding];
  return attrs;
}

export const ConvTranspose: Primitive = {
  type: 'ConvTranspose',
  attrs: { strides: 'ints', pads: 'ints', dilations: 'ints', group: 'int', output_padding: 'ints', kernel_shape: 'ints' },
  infer([x, w, b], attrs) {
    requireFloat('ConvTranspose', x, w, b);
    const { strides, pads, dilations, group } = geometry('ConvTranspose', attrs);
    const op = (attrs.output_padding as number[] | undefined) ?? [0, 0];
    if (x!.rank !== 4 || w!.rank !== 4) throw new Error(`ConvTranspose: expects NCHW input and IOHW weight, got ${x} and ${w}`);
    const [n, c, h, wd] = x!.shape;
    const [ci, mg, kh, kw] = w!.shape;
    if (ci !== c || c % group) throw new Error(`ConvTranspose: input ${x} does not fit weight ${w} with group ${group}`);
    if (op[0] >= Math.max(strides[0], dilations[0]) || op[1] >= Math.max(strides[1], dilations[1])) {
      throw new Error(`ConvTranspose: output_padding [${op.join(',')}] must be below stride or dilation`);
    }
    const ho = strides[0] * (h - 1) + op[0] + (kh - 1) * dilations[0] + 1 - pads[0] - pads[2];
    const wo = strides[1] * (wd - 1) + op[1] + (kw - 1) * dilations[1] + 1 - pads[1] - pads[3];
    return [{ shape: [n, mg * group, ho, wo], dtype: 'float32' }];
  },
  // The adjoint of ConvTranspose is Conv with the same weight and geometry.
  backward({ inputs: [, w, b], attrs, needs }, [g]) {
    if (needs[1] || (b && needs[2])) throw new Error('ConvTranspose: weight/bias gradients are not supported (weights are frozen)');
    const { strides, pads, dilations, group } = geometry('ConvTranspose', attrs);
    return [conv(g!, w!, null, { strides, pads, dilations, group }), null, null];
  },
};

export function convTranspose(
  x: Tensor,
  w: Tensor,
  options: ConvOptions & { outputPadding?: readonly number[] } = {},
  b: Tensor | null = null,
): Tensor {
  return x.graph.apply(ConvTranspose, b ? [x, w, b] : [x, w], convAttrs(options))[0];
}

export interface PoolOptions {
  kernel: readonly [number, number];
  strides?: readonly number[];
  pads?: readonly number[];
  /** Divide by the full window also where it covers padding (required for the gradient when padded). */
  countIncludePad?: boolean;
}

export const AveragePool: Primitive = {
  type: 'AveragePool',
  attrs: { kernel_shape: 'ints', strides: 'ints', pads: 'ints', count_include_pad: 'int' },
  infer([x], attrs) {
    requireFloat('AveragePool', x);
    if (x!.rank !== 4) throw new Error(`AveragePool: expects NCHW, got ${x}`);
    const [kh, kw] = attrs.kernel_shape as number[];
    const { strides, pads } = geometry('AveragePool', attrs);
    const [n, c, h, w] = x!.shape;
    const ho = Math.floor((h + pads[0] + pads[2] - kh) / strides[0]) + 1;
    const wo = Math.floor((w + pads[1] + pads[3] - kw) / strides[1]) + 1;
    if (ho < 1 || wo < 1) throw new Error(`AveragePool: kernel [${kh},${kw}] larger than padded input ${x}`);
    return [{ shape: [n, c, ho, wo], dtype: 'float32' }];
  },
  // Average pooling is a depthwise conv with the constant kernel 1/(kh*kw) (exact when the
  // divisor is always kh*kw), so its adjoint is a depthwise ConvTranspose of that kernel.
  backward({ inputs: [x], attrs }, [g]) {
    const [kh, kw] = attrs.kernel_shape as number[];
    const { strides, pads } = geometry('AveragePool', attrs);
    if (pads.some((p) => p !== 0) && !attrs.count_include_pad) {
      throw new Error('AveragePool: gradient needs count_include_pad=1 when padded');
    }
    const c = x!.shape[1];
    const kernel = x!.graph.weight('avgpool_kernel', new Float32Array(c * kh * kw).fill(1 / (kh * kw)), [c, 1, kh, kw]);
    return [convInputGradient(g!, kernel, { strides, pads, dilations: [1, 1], group: c }, x!.shape)];
  },
};

export function averagePool(x: Tensor, o: PoolOptions): Tensor {
  const attrs: Attrs = { kernel_shape: [...o.kernel] };
  if (o.strides) attrs.strides = [...o.strides];
  if (o.pads) attrs.pads = [...o.pads];
  if (o.countIncludePad) attrs.count_include_pad = 1;
  return x.graph.apply(AveragePool, [x], attrs)[0];
}

export const GlobalAveragePool: Primitive = {
  type: 'GlobalAveragePool',
  attrs: {},
  infer([x]) {
    requireFloat('GlobalAveragePool', x);
    if (x!.rank !== 4) throw new Error(`GlobalAveragePool: expects NCHW, got ${x}`);
    return [{ shape: [x!.shape[0], x!.shape[1], 1, 1], dtype: 'float32' }];
  },
  backward: ({ inputs: [x] }, [g]) => [expand(mul(g!, 1 / (x!.shape[2] * x!.shape[3])), x!.shape)],
};

export const globalAveragePool = (x: Tensor): Tensor => x.graph.apply(GlobalAveragePool, [x])[0];
