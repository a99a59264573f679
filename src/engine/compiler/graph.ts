// The typed graph builder: named tensors with static shapes and dtypes; every op call appends
// one ONNX node through its primitive (ops/*.ts), which infers the output shapes. Frozen
// weights are initializers. Serialization lives in onnx.ts, gradients in autodiff.ts.
import { float32ToFloat16 } from './fp16.ts';

export type DType = 'float32' | 'float16' | 'int64' | 'bool';
export type Shape = readonly number[];
export type AttrKind = 'int' | 'ints' | 'float' | 'floats' | 'string';
export type AttrValue = number | readonly number[] | string;
export type Attrs = Record<string, AttrValue>;
export type ConstData = Float32Array | Uint16Array | BigInt64Array | Uint8Array;

export interface TensorInfo {
  shape: Shape;
  dtype: DType;
}

/** What the autodiff driver hands a backward rule. `needs[i]`: input i wants a gradient. */
export interface BackwardContext {
  node: Node;
  inputs: readonly (Tensor | null)[];
  outputs: readonly Tensor[];
  attrs: Attrs;
  needs: readonly boolean[];
}

/**
 * One ONNX op: forward (shape inference; emission is generic) next to its input gradient.
 * `backward` returns one gradient per input (null where not needed or not differentiable),
 * in the shape of the output it came from; the driver un-broadcasts. `backward: 'none'`
 * marks ops whose outputs are not differentiable (comparisons, shapes).
 */
export interface Primitive {
  readonly type: string;
  readonly attrs: Record<string, AttrKind>;
  infer(inputs: readonly (Tensor | null)[], attrs: Attrs): TensorInfo[];
  backward: ((ctx: BackwardContext, gradOut: readonly (Tensor | null)[]) => (Tensor | null)[]) | 'none' | undefined;
}

export interface Node {
  readonly name: string;
  readonly op: Primitive;
  readonly inputs: readonly (Tensor | null)[];
  readonly outputs: Tensor[];
  readonly attrs: Attrs;
}

export class Tensor {
  /** Constant data when this tensor is an initializer. */
  value: ConstData | undefined;
  constructor(
    readonly graph: Graph,
    readonly name: string,
    readonly shape: Shape,
    readonly dtype: DType,
    readonly producer: Node | null,
    /** True when a gradient may flow to a graph input that requires one. */
    readonly requiresGrad: boolean,
  ) {}
  get rank(): number {
    return this.shape.length;
  }
  get size(): number {
    return shapeSize(this.shape);
  }
  toString(): string {
    return `${this.name}[${this.shape.join(',')}]:${this.dtype}`;
  }
}

export function shapeSize(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export interface InputOptions {
  dtype?: DType;
  /** Gradients of a scalar output can be taken w.r.t. this input (autodiff.ts). */
  requiresGrad?: boolean;
}

export interface WeightOptions {
  /** Storage dtype of the initializer; float16 adds a Cast, arithmetic stays float32. */
  storage?: 'float32' | 'float16';
}

export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: Tensor[] = [];
  readonly outputs: Tensor[] = [];
  readonly initializers: Tensor[] = [];
  private readonly names = new Set<string>();
  private readonly scalarCache = new Map<string, Tensor>();
  private counter = 0;

  constructor(readonly name = 'graph') {}

  /** A unique tensor/node name starting with `base`. */
  uniqueName(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_.:/-]/g, '_');
    let name = clean;
    while (this.names.has(name)) name = `${clean}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  input(name: string, shape: Shape, options: InputOptions = {}): Tensor {
    if (this.names.has(name)) throw new Error(`Graph input name '${name}' is already used`);
    checkShape(shape, `input '${name}'`);
    this.names.add(name);
    const t = new Tensor(this, name, [...shape], options.dtype ?? 'float32', null, options.requiresGrad ?? false);
    this.inputs.push(t);
    return t;
  }

  /** A frozen float weight (initializer). `data` is row-major in `shape`. */
  weight(name: string, data: Float32Array, shape: Shape, options: WeightOptions = {}): Tensor {
    checkShape(shape, `weight '${name}'`);
    if (data.length !== shapeSize(shape)) {
      throw new Error(`Weight '${name}' has ${data.length} values but shape [${shape.join(',')}] needs ${shapeSize(shape)}`);
    }
    if (options.storage === 'float16') {
      const stored = this.initializer(`${name}_fp16`, float32ToFloat16(data), shape, 'float16');
      return this.apply(castPrimitive, [stored], { to: ONNX_DTYPE.float32 }, name)[0];
    }
    return this.initializer(name, data, shape, 'float32');
  }

  /** An int64 constant (shapes, axes, indices). */
  int64(values: readonly number[], name = 'const_i64'): Tensor {
    return this.initializer(name, BigInt64Array.from(values.map((v) => BigInt(v))), [values.length], 'int64');
  }

  /** A float32 scalar constant (shape []), shared between uses of the same value. */
  scalar(value: number): Tensor {
    const key = Object.is(value, -0) ? '-0' : String(value);
    let t = this.scalarCache.get(key);
    if (!t) {
      t = this.initializer('scalar', Float32Array.of(value), [], 'float32');
      this.scalarCache.set(key, t);
    }
    return t;
  }

  initializer(name: string, data: ConstData, shape: Shape, dtype: DType): Tensor {
    const t = new Tensor(this, this.uniqueName(name), [...shape], dtype, null, false);
    t.value = data;
    this.initializers.push(t);
    return t;
  }

  /** Marks `t` as a graph output named `name` (an Identity node when the name differs). */
  output(t: Tensor, name: string = t.name): Tensor {
    this.own(t);
    if (this.outputs.some((o) => o.name === name)) throw new Error(`Graph output '${name}' is already defined`);
    let out = t;
    if (t.name !== name || this.inputs.includes(t) || t.value !== undefined || this.outputs.includes(t)) {
      if (this.names.has(name)) throw new Error(`Output name '${name}' is already used by another tensor`);
      out = this.apply(identityPrimitive, [t], {}, name, true)[0];
    }
    this.outputs.push(out);
    return out;
  }

  /** Appends one node of `op`; returns its output tensors (shapes inferred by the primitive). */
  apply(op: Primitive, inputs: readonly (Tensor | null)[], attrs: Attrs = {}, outName?: string, exactName = false): Tensor[] {
    for (const t of inputs) if (t) this.own(t);
    for (const key of Object.keys(attrs)) {
      if (!(key in op.attrs)) throw new Error(`${op.type}: unknown attribute '${key}'`);
    }
    const infos = op.infer(inputs, attrs);
    const requiresGrad = op.backward !== 'none' && inputs.some((t) => t?.requiresGrad);
    const nodeName = this.uniqueName(`${op.type}_n`);
    const outputs: Tensor[] = [];
    const node: Node = { name: nodeName, op, inputs: [...inputs], outputs, attrs: { ...attrs } };
    infos.forEach((info, i) => {
      const base = outName ?? `${op.type}_${this.nodes.length}`;
      let name: string;
      if (exactName && i === 0) {
        this.names.add(base);
        name = base;
      } else name = this.uniqueName(infos.length > 1 ? `${base}_${i}` : base);
      outputs.push(new Tensor(this, name, [...info.shape], info.dtype, node, requiresGrad));
    });
    this.nodes.push(node);
    return outputs;
  }

  private own(t: Tensor): void {
    if (t.graph !== this) throw new Error(`Tensor ${t} belongs to graph '${t.graph.name}', not '${this.name}'`);
  }
}

function checkShape(shape: Shape, what: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 1) throw new Error(`${what}: dimensions must be positive integers, got [${shape.join(',')}]`);
  }
}

export const ONNX_DTYPE: Record<DType, number> = { float32: 1, float16: 10, int64: 7, bool: 9 };

const DTYPE_BY_CODE = new Map(Object.entries(ONNX_DTYPE).map(([k, v]) => [v, k as DType]));

// Cast and Identity are needed by the builder itself, so they live here.
export const castPrimitive: Primitive = {
  type: 'Cast',
  attrs: { to: 'int' },
  infer([x], attrs) {
    const dtype = DTYPE_BY_CODE.get(attrs.to as number);
    if (!dtype) throw new Error(`Cast: unsupported target type code ${String(attrs.to)}`);
    return [{ shape: x!.shape, dtype }];
  },
  // Only float<->float casts carry gradients; the cast back keeps the input's dtype.
  backward(ctx, [g]) {
    const x = ctx.inputs[0]!;
    if (x.dtype === 'int64' || x.dtype === 'bool') return [null];
    return [x.dtype === g!.dtype ? g : x.graph.apply(castPrimitive, [g], { to: ONNX_DTYPE[x.dtype] })[0]];
  },
};

export const identityPrimitive: Primitive = {
  type: 'Identity',
  attrs: {},
  infer: ([x]) => [{ shape: x!.shape, dtype: x!.dtype }],
  backward: (_ctx, [g]) => [g],
};

/** Nodes that contribute to an output, in emission order (emission order is topological). */
export function liveNodes(graph: Graph): Node[] {
  const live = new Set<Node>();
  const stack = graph.outputs.map((t) => t.producer).filter((n): n is Node => n !== null);
  while (stack.length) {
    const n = stack.pop()!;
    if (live.has(n)) continue;
    live.add(n);
    for (const t of n.inputs) if (t?.producer) stack.push(t.producer);
  }
  return graph.nodes.filter((n) => live.has(n));
}
