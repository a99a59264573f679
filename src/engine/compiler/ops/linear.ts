// MatMul, Gemm and pooling, with input gradients (Conv and ConvTranspose: conv.ts).
import type { Attrs, Primitive, Tensor } from '../graph.ts';
import { convGeometry, convInputGradient } from './conv.ts';
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
  backward: ({ inputs: [a, b], needs }, [g]) => [needs[0] ? matmul(g!, swapLast(b!)) : null, needs[1] ? matmul(swapLast(a!), g!) : null],
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
    const { strides, pads } = convGeometry('AveragePool', attrs);
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
    const { strides, pads } = convGeometry('AveragePool', attrs);
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
