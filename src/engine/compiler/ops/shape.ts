// Data-movement primitives: Reshape, Transpose, Concat, Slice, Pad, Expand. Their gradients
// move the gradient back the same way (Slice <-> Pad, Concat -> Slices, Expand -> driver sum).
import type { Primitive, Shape, Tensor } from '../graph.ts';
import { shapeSize } from '../graph.ts';
import { broadcastShapes, constInts, normAxis, sameShape } from './util.ts';

export const Reshape: Primitive = {
  type: 'Reshape',
  attrs: {},
  infer([x, s]) {
    const shape = constInts('Reshape', s, 'shape');
    if (shape.some((d) => d < 1) || shapeSize(shape) !== x!.size) {
      throw new Error(`Reshape: cannot reshape ${x} to [${shape.join(',')}]`);
    }
    return [{ shape, dtype: x!.dtype }];
  },
  backward: ({ inputs: [x] }, [g]) => [reshape(g!, x!.shape), null],
};

/** Reshape to `shape`; one entry may be -1 (inferred). The emitted shape is fully static. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const known = shape.filter((d) => d !== -1);
  const inferred = shape.length - known.length;
  if (inferred > 1) throw new Error(`reshape: at most one -1 in [${shape.join(',')}]`);
  const resolved = shape.map((d) => (d === -1 ? x.size / shapeSize(known) : d));
  if (resolved.some((d) => !Number.isInteger(d) || d < 1) || shapeSize(resolved) !== x.size) {
    throw new Error(`reshape: cannot reshape ${x} to [${shape.join(',')}]`);
  }
  if (sameShape(resolved, x.shape)) return x;
  return x.graph.apply(Reshape, [x, x.graph.int64(resolved, 'shape')])[0];
}

export const Transpose: Primitive = {
  type: 'Transpose',
  attrs: { perm: 'ints' },
  infer([x], attrs) {
    const perm = attrs.perm as number[];
    if (perm.length !== x!.rank || [...perm].sort().some((p, i) => p !== i)) {
      throw new Error(`Transpose: perm [${perm.join(',')}] is not a permutation of ${x!.rank} axes`);
    }
    return [{ shape: perm.map((p) => x!.shape[p]), dtype: x!.dtype }];
  },
  backward({ attrs }, [g]) {
    const perm = attrs.perm as number[];
    const inverse: number[] = [];
    perm.forEach((p, i) => (inverse[p] = i));
    return [transpose(g!, inverse)];
  },
};

export const transpose = (x: Tensor, perm: readonly number[]): Tensor => x.graph.apply(Transpose, [x], { perm: [...perm] })[0];

export const Concat: Primitive = {
  type: 'Concat',
  attrs: { axis: 'int' },
  infer(inputs, attrs) {
    const first = inputs[0]!;
    const axis = normAxis('Concat', attrs.axis as number, first.rank);
    let total = 0;
    for (const t of inputs) {
      if (t!.rank !== first.rank || t!.dtype !== first.dtype || t!.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
        throw new Error(`Concat: ${t} does not match ${first} outside axis ${axis}`);
      }
      total += t!.shape[axis];
    }
    const shape = [...first.shape];
    shape[axis] = total;
    return [{ shape, dtype: first.dtype }];
  },
  backward({ inputs, attrs, needs }, [g]) {
    const axis = normAxis('Concat', attrs.axis as number, g!.rank);
    let offset = 0;
    return inputs.map((t, i) => {
      const start = offset;
      offset += t!.shape[axis];
      return needs[i] ? slice(g!, [start], [offset], [axis]) : null;
    });
  },
};

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new Error('concat: no tensors');
  if (xs.length === 1) return xs[0];
  return xs[0].graph.apply(Concat, xs, { axis })[0];
}

/** Normalized [start, end) per axis of a step-1 slice. */
function sliceRanges(x: Tensor, starts: number[], ends: number[], axes: number[]): Map<number, [number, number]> {
  const ranges = new Map<number, [number, number]>();
  axes.forEach((a, i) => {
    const axis = normAxis('Slice', a, x.rank);
    const dim = x.shape[axis];
    const clampIdx = (v: number): number => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    const s = clampIdx(starts[i]);
    const e = clampIdx(ends[i]);
    if (e <= s) throw new Error(`Slice: empty range [${starts[i]}, ${ends[i]}) on axis ${a} of ${x}`);
    ranges.set(axis, [s, e]);
  });
  return ranges;
}

export const Slice: Primitive = {
  type: 'Slice',
  attrs: {},
  infer([x, s, e, a, st]) {
    const starts = constInts('Slice', s, 'starts');
    const ends = constInts('Slice', e, 'ends');
    const axes = a ? constInts('Slice', a, 'axes') : starts.map((_, i) => i);
    if (st && constInts('Slice', st, 'steps').some((v) => v !== 1)) throw new Error('Slice: only step 1 is supported');
    const shape = [...x!.shape];
    for (const [axis, [b, f]] of sliceRanges(x!, starts, ends, axes)) shape[axis] = f - b;
    return [{ shape, dtype: x!.dtype }];
  },
  // The adjoint of a slice pads the gradient with zeros back to the input's extent.
  backward({ inputs: [x, s, e, a] }, [g]) {
    const starts = constInts('Slice', s, 'starts');
    const axes = a ? constInts('Slice', a, 'axes') : starts.map((_, i) => i);
    const pads = new Array<number>(2 * x!.rank).fill(0);
    for (const [axis, [b, f]] of sliceRanges(x!, starts, constInts('Slice', e, 'ends'), axes)) {
      pads[axis] = b;
      pads[x!.rank + axis] = x!.shape[axis] - f;
    }
    return [pad(g!, pads), null, null, null, null];
  },
};

export function slice(x: Tensor, starts: readonly number[], ends: readonly number[], axes: readonly number[]): Tensor {
  const g = x.graph;
  return g.apply(Slice, [x, g.int64(starts, 'starts'), g.int64(ends, 'ends'), g.int64(axes, 'axes')])[0];
}

export const Pad: Primitive = {
  type: 'Pad',
  attrs: { mode: 'string' },
  infer([x, p, value], attrs) {
    const pads = constInts('Pad', p, 'pads');
    if (pads.length !== 2 * x!.rank || pads.some((v) => v < 0)) {
      throw new Error(`Pad: pads [${pads.join(',')}] must be ${2 * x!.rank} non-negative values for ${x}`);
    }
    if ((attrs.mode ?? 'constant') !== 'constant') throw new Error(`Pad: only constant mode is supported, got ${String(attrs.mode)}`);
    if (value && value.rank !== 0) throw new Error('Pad: constant value must be a scalar');
    return [{ shape: x!.shape.map((d, i) => d + pads[i] + pads[x!.rank + i]), dtype: x!.dtype }];
  },
  backward({ inputs: [x, p], needs }, [g]) {
    if (needs[2]) throw new Error('Pad: gradient w.r.t. the constant value is not supported');
    const pads = constInts('Pad', p, 'pads');
    const axes = x!.shape.map((_, i) => i).filter((i) => pads[i] || pads[x!.rank + i]);
    if (axes.length === 0) return [g, null, null];
    const starts = axes.map((i) => pads[i]);
    const ends = axes.map((i) => pads[i] + x!.shape[i]);
    return [slice(g!, starts, ends, axes), null, null];
  },
};

/** Constant padding; `pads` = [begin per axis..., end per axis...] (ONNX order). */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  const g = x.graph;
  if (pads.every((p) => p === 0)) return x;
  const inputs = [x, g.int64(pads, 'pads')];
  if (value !== 0) inputs.push(g.scalar(value));
  return g.apply(Pad, inputs)[0];
}

export const Expand: Primitive = {
  type: 'Expand',
  attrs: {},
  infer([x, s]) {
    const shape = broadcastShapes('Expand', x!.shape, constInts('Expand', s, 'shape'));
    return [{ shape, dtype: x!.dtype }];
  },
  // The driver's un-broadcast sums the gradient back to the input's shape.
  backward: (_c, [g]) => [g, null],
};

export function expand(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  return x.graph.apply(Expand, [x, x.graph.int64(shape, 'shape')])[0];
}
