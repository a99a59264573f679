// Reductions and normalizations: ReduceSum, ReduceMean, Softmax, LayerNormalization.
import type { Attrs, Primitive, Tensor } from '../graph.ts';
import { add, div, mul, sqrt, sub } from './elementwise.ts';
import { expand, reshape } from './shape.ts';
import { constInts, normAxis, requireFloat } from './util.ts';

function reducedShape(op: string, x: Tensor, axes: number[], keepdims: boolean): number[] {
  const norm = new Set(axes.length ? axes.map((a) => normAxis(op, a, x.rank)) : x.shape.map((_, i) => i));
  const shape: number[] = [];
  x.shape.forEach((d, i) => {
    if (!norm.has(i)) shape.push(d);
    else if (keepdims) shape.push(1);
  });
  return shape;
}

/** The gradient of a sum over `axes`: the output gradient broadcast back to x's shape. */
function spreadBack(x: Tensor, axes: number[], g: Tensor): Tensor {
  return expand(reshape(g, reducedShape('reduce', x, axes, true)), x.shape);
}

export const ReduceSum: Primitive = {
  type: 'ReduceSum',
  attrs: { keepdims: 'int' },
  infer([x, a], attrs) {
    requireFloat('ReduceSum', x);
    const axes = a ? constInts('ReduceSum', a, 'axes') : [];
    return [{ shape: reducedShape('ReduceSum', x!, axes, attrs.keepdims !== 0), dtype: 'float32' }];
  },
  backward: ({ inputs: [x, a] }, [g]) => [spreadBack(x!, a ? constInts('ReduceSum', a, 'axes') : [], g!), null],
};

export const ReduceMean: Primitive = {
  type: 'ReduceMean',
  attrs: { axes: 'ints', keepdims: 'int' },
  infer([x], attrs) {
    requireFloat('ReduceMean', x);
    return [{ shape: reducedShape('ReduceMean', x!, (attrs.axes as number[]) ?? [], attrs.keepdims !== 0), dtype: 'float32' }];
  },
  backward({ inputs: [x], outputs: [y], attrs }, [g]) {
    const axes = (attrs.axes as number[] | undefined) ?? [];
    return [spreadBack(x!, axes, mul(g!, y.size / x!.size))];
  },
};

/** Sum over `axes` (all axes when empty). */
export function reduceSum(x: Tensor, axes: readonly number[] = [], keepdims = false): Tensor {
  const g = x.graph;
  const attrs: Attrs = keepdims ? {} : { keepdims: 0 };
  return g.apply(ReduceSum, axes.length ? [x, g.int64(axes, 'axes')] : [x], attrs)[0];
}

/** Mean over `axes` (all axes when empty). */
export function reduceMean(x: Tensor, axes: readonly number[] = [], keepdims = false): Tensor {
  const attrs: Attrs = keepdims ? {} : { keepdims: 0 };
  if (axes.length) attrs.axes = [...axes];
  return x.graph.apply(ReduceMean, [x], attrs)[0];
}

export const Softmax: Primitive = {
  type: 'Softmax',
  attrs: { axis: 'int' },
  infer([x], attrs) {
    requireFloat('Softmax', x);
    normAxis('Softmax', (attrs.axis as number | undefined) ?? -1, x!.rank);
    return [{ shape: x!.shape, dtype: 'float32' }];
  },
  // dx = y * (g - sum(g * y, axis))
  backward({ outputs: [y], attrs }, [g]) {
    const axis = (attrs.axis as number | undefined) ?? -1;
    return [mul(y, sub(g!, reduceSum(mul(g!, y), [axis], true)))];
  },
};

export const softmax = (x: Tensor, axis = -1): Tensor => x.graph.apply(Softmax, [x], { axis })[0];

export const LayerNormalization: Primitive = {
  type: 'LayerNormalization',
  attrs: { axis: 'int', epsilon: 'float' },
  infer([x, scale, bias], attrs) {
    requireFloat('LayerNormalization', x, scale, bias);
    const axis = normAxis('LayerNormalization', (attrs.axis as number | undefined) ?? -1, x!.rank);
    const normShape = x!.shape.slice(axis);
    for (const p of [scale, bias]) {
      if (p && (p.rank > normShape.length || p.shape.some((d, i) => d !== 1 && d !== normShape[normShape.length - p.rank + i]))) {
        throw new Error(`LayerNormalization: ${p} does not broadcast over normalized shape [${normShape.join(',')}]`);
      }
    }
    return [{ shape: x!.shape, dtype: 'float32' }];
  },
  // Forward stays one fused op; the backward recomputes the statistics:
  // dx = inv * (gs - mean(gs) - xhat * mean(gs * xhat)), gs = g * scale.
  backward({ inputs: [x, scale], attrs, needs }, [g]) {
    if (needs[1] || needs[2]) throw new Error('LayerNormalization: scale/bias gradients are not supported (weights are frozen)');
    const axis = normAxis('LayerNormalization', (attrs.axis as number | undefined) ?? -1, x!.rank);
    const eps = (attrs.epsilon as number | undefined) ?? 1e-5;
    const axes = x!.shape.map((_, i) => i).slice(axis);
    const d = sub(x!, reduceMean(x!, axes, true));
    const inv = div(1, sqrt(add(reduceMean(mul(d, d), axes, true), eps)));
    const xhat = mul(d, inv);
    const gs = mul(g!, scale!);
    const inner = sub(sub(gs, reduceMean(gs, axes, true)), mul(xhat, reduceMean(mul(gs, xhat), axes, true)));
    return [mul(inv, inner), null, null];
  },
};

export function layerNorm(x: Tensor, scale: Tensor, bias: Tensor | null, axis = -1, epsilon = 1e-5): Tensor {
  return x.graph.apply(LayerNormalization, bias ? [x, scale, bias] : [x, scale], { axis, epsilon })[0];
}
