// Elementwise primitives (broadcasting binary ops, activations) with their input gradients.
// Gradients at kinks (documented choice): Relu'(0) = 0. Clip'(x) = 1 on the closed interval
// [min, max] (Relu6' = 1 at x = 0 and x = 6): the mask is Equal(x, clip(x)), two memory
// passes instead of four for Greater/Less/And/Where, which dominate MobileNet's backward.
import type { Primitive, Tensor } from '../graph.ts';
import { broadcastShapes, requireFloat } from './util.ts';

export type Operand = Tensor | number;

function binaryPrimitive(type: string, backward: Primitive['backward']): Primitive {
  return {
    type,
    attrs: {},
    infer([a, b]) {
      requireFloat(type, a, b);
      return [{ shape: broadcastShapes(type, a!.shape, b!.shape), dtype: 'float32' }];
    },
    backward,
  };
}

function unaryPrimitive(type: string, backward: Primitive['backward']): Primitive {
  return {
    type,
    attrs: {},
    infer([x]) {
      requireFloat(type, x);
      return [{ shape: x!.shape, dtype: 'float32' }];
    },
    backward,
  };
}

function comparePrimitive(type: string): Primitive {
  return {
    type,
    attrs: {},
    infer: ([a, b]) => [{ shape: broadcastShapes(type, a!.shape, b!.shape), dtype: 'bool' }],
    backward: 'none',
  };
}

export const Add = binaryPrimitive('Add', (_c, [g]) => [g, g]);
export const Sub = binaryPrimitive('Sub', ({ needs }, [g]) => [g, needs[1] ? neg(g!) : null]);
export const Mul = binaryPrimitive('Mul', ({ inputs: [a, b], needs }, [g]) => [
  needs[0] ? mul(g!, b!) : null,
  needs[1] ? mul(g!, a!) : null,
]);
// d(a/b)/db = -a/b^2 = -y/b.
export const Div = binaryPrimitive('Div', ({ inputs: [, b], outputs: [y], needs }, [g]) => [
  needs[0] ? div(g!, b!) : null,
  needs[1] ? neg(div(mul(g!, y), b!)) : null,
]);
export const Neg = unaryPrimitive('Neg', (_c, [g]) => [neg(g!)]);
export const Relu = unaryPrimitive('Relu', ({ inputs: [x] }, [g]) => [where(greater(x!, 0), g!, 0)]);
export const Sigmoid = unaryPrimitive('Sigmoid', ({ outputs: [y] }, [g]) => [mul(g!, mul(y, sub(1, y)))]);
export const Tanh = unaryPrimitive('Tanh', ({ outputs: [y] }, [g]) => [mul(g!, sub(1, mul(y, y)))]);
export const Exp = unaryPrimitive('Exp', ({ outputs: [y] }, [g]) => [mul(g!, y)]);
export const Sqrt = unaryPrimitive('Sqrt', ({ outputs: [y] }, [g]) => [div(mul(g!, 0.5), y)]);
// erf'(x) = 2/sqrt(pi) * exp(-x^2)
export const Erf = unaryPrimitive('Erf', ({ inputs: [x] }, [g]) => [mul(g!, mul(exp(neg(mul(x!, x!))), 2 / Math.sqrt(Math.PI)))]);

export const Clip: Primitive = {
  type: 'Clip',
  attrs: {},
  infer([x, lo, hi]) {
    requireFloat('Clip', x, lo, hi);
    for (const b of [lo, hi]) if (b && b.rank !== 0) throw new Error(`Clip: bounds must be scalars, got ${b}`);
    return [{ shape: x!.shape, dtype: 'float32' }];
  },
  backward({ inputs: [x], outputs: [y], needs }, [g]) {
    if (needs[1] || needs[2]) throw new Error('Clip: gradient w.r.t. the bounds is not supported');
    return [where(equal(x!, y), g!, 0), null, null];
  },
};

export const Greater = comparePrimitive('Greater');
export const Less = comparePrimitive('Less');
export const Equal = comparePrimitive('Equal');
export const And: Primitive = {
  type: 'And',
  attrs: {},
  infer: ([a, b]) => [{ shape: broadcastShapes('And', a!.shape, b!.shape), dtype: 'bool' }],
  backward: 'none',
};

// Where(cond, a, b): the gradient goes to a where cond holds, to b elsewhere.
export const Where: Primitive = {
  type: 'Where',
  attrs: {},
  infer([c, a, b]) {
    if (c!.dtype !== 'bool') throw new Error(`Where: condition must be bool, got ${c}`);
    requireFloat('Where', a, b);
    const shape = broadcastShapes('Where', broadcastShapes('Where', c!.shape, a!.shape), b!.shape);
    return [{ shape, dtype: 'float32' }];
  },
  backward: ({ inputs: [c], needs }, [g]) => [null, needs[1] ? where(c!, g!, 0) : null, needs[2] ? where(c!, 0, g!) : null],
};

/** The graph of the first tensor operand (numbers become shared scalar constants). */
function lift(a: Operand, b: Operand): [Tensor, Tensor] {
  const graph = typeof a === 'number' ? (b as Tensor).graph : a.graph;
  if (typeof a === 'number' && typeof b === 'number') throw new Error('binary op needs at least one tensor operand');
  return [typeof a === 'number' ? graph.scalar(a) : a, typeof b === 'number' ? graph.scalar(b) : b];
}

function bin(op: Primitive, a: Operand, b: Operand): Tensor {
  const [ta, tb] = lift(a, b);
  return ta.graph.apply(op, [ta, tb])[0];
}

export const add = (a: Operand, b: Operand): Tensor => bin(Add, a, b);
export const sub = (a: Operand, b: Operand): Tensor => bin(Sub, a, b);
export const mul = (a: Operand, b: Operand): Tensor => bin(Mul, a, b);
export const div = (a: Operand, b: Operand): Tensor => bin(Div, a, b);
export const greater = (a: Operand, b: Operand): Tensor => bin(Greater, a, b);
export const less = (a: Operand, b: Operand): Tensor => bin(Less, a, b);
export const equal = (a: Operand, b: Operand): Tensor => bin(Equal, a, b);
export const and = (a: Tensor, b: Tensor): Tensor => a.graph.apply(And, [a, b])[0];
export const neg = (x: Tensor): Tensor => x.graph.apply(Neg, [x])[0];
export const relu = (x: Tensor): Tensor => x.graph.apply(Relu, [x])[0];
export const sigmoid = (x: Tensor): Tensor => x.graph.apply(Sigmoid, [x])[0];
export const tanh = (x: Tensor): Tensor => x.graph.apply(Tanh, [x])[0];
export const exp = (x: Tensor): Tensor => x.graph.apply(Exp, [x])[0];
export const sqrt = (x: Tensor): Tensor => x.graph.apply(Sqrt, [x])[0];
export const erf = (x: Tensor): Tensor => x.graph.apply(Erf, [x])[0];

/** Clip to [min, max] (either bound may be omitted). */
export function clip(x: Tensor, min?: number, max?: number): Tensor {
  const g = x.graph;
  return g.apply(Clip, [x, min === undefined ? null : g.scalar(min), max === undefined ? null : g.scalar(max)])[0];
}
export const relu6 = (x: Tensor): Tensor => clip(x, 0, 6);

export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const g = cond.graph;
  return g.apply(Where, [cond, typeof a === 'number' ? g.scalar(a) : a, typeof b === 'number' ? g.scalar(b) : b])[0];
}
