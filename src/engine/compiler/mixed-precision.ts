// Lowering of a float32 Graph to the node list that serialization emits, in one of two
// precisions. 'float32' emits the graph as built. 'float16' (for WebGPU adapters with
// shader-f16) computes the bulk in half precision, the usual mixed-precision recipe:
//   - large tensors through the ops of HALF_OPS (convolutions, matmuls, elementwise, layout)
//     are float16, and their float constants become float16 initializers;
//   - reductions, normalizations, softmax, division, sqrt, exp, erf, every small tensor and
//     every graph input and output stay float32 (sums over 10^5+ elements and the loss head
//     overflow or lose their low bits in float16); a Cast joins the two where they meet.
// The graph's interface is unchanged: float32 inputs and outputs. Gradients of a loss need
// loss scaling on top (buildLossGraph's gradScale): 1/N for a mean over N ~ 10^6 feature
// values is below float16's normal range.
import { float32ToFloat16, fromHalfBits } from './fp16.ts';
import {
  liveNodes,
  ONNX_DTYPE,
  type Attrs,
  type AttrKind,
  type ConstData,
  type DType,
  type Graph,
  type Node,
  type Tensor,
} from './graph.ts';

export type Precision = 'float32' | 'float16';

/**
 * Ops that run in float16 when their tensors are large. Anything else stays float32. Clip and
 * Equal are out: Clip's gradient mask is Equal(x, clip(x)), exact only when both read the
 * same rounding of x, and a runtime that emulates float16 on float32 kernels (ORT's CPU EP)
 * drops lossy cast pairs per consumer; one float32 cast of x shared by both keeps it exact.
 */
export const HALF_OPS: ReadonlySet<string> = new Set([
  'Conv',
  'ConvTranspose',
  'MatMul',
  'Gemm',
  'AveragePool',
  'GlobalAveragePool',
  'Add',
  'Sub',
  'Mul',
  'Neg',
  'Relu',
  'Sigmoid',
  'Tanh',
  'Where',
  'Greater',
  'Less',
  'Reshape',
  'Transpose',
  'Concat',
  'Slice',
  'Pad',
  'Expand',
  'Identity',
  'Cast',
]);

/**
 * Loss scale of float16 loss graphs (buildLossGraph's gradScale): lifts gradients like
 * 2(f - t)/N of a mean over N ~ 10^6 features (CLIP RN101's layer2 at B=5) out of float16's
 * subnormals, leaving a factor 60 of headroom below its maximum (65504) for gradients of 1.
 */
export const FLOAT16_GRAD_SCALE = 1024;

/** The loss scale a loss graph of this precision is built with. */
export const gradScaleFor = (precision: Precision): number => (precision === 'float16' ? FLOAT16_GRAD_SCALE : 1);

/** Below this many elements a node stays float32: no bandwidth to win, precision to lose. */
export const MIN_HALF_ELEMENTS = 4096;

export interface LoweredNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs: { name: string; kind: AttrKind; value: number | readonly number[] | string }[];
}

export interface LoweredInitializer {
  name: string;
  shape: readonly number[];
  dtype: DType;
  data: ConstData;
}

export interface LoweredGraph {
  nodes: LoweredNode[];
  initializers: LoweredInitializer[];
  /** The graph's nodes that compute in float16 (none for 'float32'). */
  half: ReadonlySet<Node>;
  /** dtype of every float tensor a node produces, by name (casts included). */
  dtypes: Map<string, DType>;
}

const isFloat = (t: Tensor | null): t is Tensor => !!t && (t.dtype === 'float32' || t.dtype === 'float16');

function attrList(n: Node, attrs: Attrs = n.attrs): LoweredNode['attrs'] {
  return Object.entries(attrs).map(([name, value]) => ({ name, kind: n.op.attrs[name], value }));
}

export function lowerGraph(graph: Graph, precision: Precision = 'float32'): LoweredGraph {
  const nodes = liveNodes(graph);
  const used = new Set<Tensor>();
  for (const n of nodes) for (const t of n.inputs) if (t) used.add(t);
  if (precision === 'float32') {
    return {
      nodes: nodes.map((n) => ({
        name: n.name,
        opType: n.op.type,
        inputs: n.inputs.map((t) => t?.name ?? ''),
        outputs: n.outputs.map((t) => t.name),
        attrs: attrList(n),
      })),
      initializers: graph.initializers
        .filter((t) => used.has(t))
        .map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype, data: t.value! })),
      half: new Set(),
      dtypes: new Map(
        nodes
          .flatMap((n) => n.outputs)
          .filter(isFloat)
          .map((t) => [t.name, t.dtype]),
      ),
    };
  }
  return new HalfLowering(graph, nodes).run();
}

class HalfLowering {
  private readonly out: LoweredNode[] = [];
  private readonly inits = new Map<string, LoweredInitializer>();
  /** dtype each produced float tensor is stored in. */
  private readonly stored = new Map<Tensor, DType>();
  /** Cast or converted-initializer name of a tensor in the other float dtype. */
  private readonly converted = new Map<string, string>();
  private readonly taken: Set<string>;
  private readonly graphOutputs: Set<Tensor>;
  private readonly half = new Set<Node>();

  constructor(
    private readonly graph: Graph,
    private readonly nodes: Node[],
  ) {
    this.graphOutputs = new Set(graph.outputs);
    this.taken = new Set([...graph.inputs, ...graph.initializers, ...nodes.flatMap((n) => n.outputs)].map((t) => t.name));
  }

  run(): LoweredGraph {
    for (const t of this.graph.inputs) if (isFloat(t)) this.stored.set(t, t.dtype);
    for (const n of this.nodes) this.lower(n);
    const dtypes = new Map<string, DType>();
    for (const [t, dtype] of this.stored) dtypes.set(t.name, dtype);
    for (const [key, name] of this.converted) dtypes.set(name, key.split('\u0000')[1] as DType);
    return { nodes: this.out, initializers: [...this.inits.values()], half: this.half, dtypes };
  }

  /** The float dtype node `n` computes in, or null when it touches no float tensor. */
  private computeDtype(n: Node): DType | null {
    const floats = [...n.inputs, ...n.outputs].filter(isFloat);
    if (floats.length === 0) return null;
    if (n.outputs.some((o) => this.graphOutputs.has(o))) return 'float32';
    if (n.op.type === 'Cast' && !(isFloat(n.inputs[0]) && n.outputs.every(isFloat))) return 'float32';
    if (!HALF_OPS.has(n.op.type)) return 'float32';
    return Math.max(...floats.map((t) => t.size)) >= MIN_HALF_ELEMENTS ? 'float16' : 'float32';
  }

  private lower(n: Node): void {
    const dtype = this.computeDtype(n);
    if (dtype === 'float16') this.half.add(n);
    // A float-to-float Cast takes its input as stored and casts to the node's dtype.
    const castBetweenFloats = n.op.type === 'Cast' && isFloat(n.inputs[0]) && n.outputs.every(isFloat);
    const inputs = n.inputs.map((t) => {
      if (!t) return '';
      if (!isFloat(t) || !dtype) return this.nameOf(t);
      return castBetweenFloats ? this.nameOf(t) : this.as(t, dtype);
    });
    for (const o of n.outputs) if (isFloat(o)) this.stored.set(o, dtype!);
    const attrs = castBetweenFloats ? { ...n.attrs, to: ONNX_DTYPE[dtype!] } : n.attrs;
    this.out.push({ name: n.name, opType: n.op.type, inputs, outputs: n.outputs.map((t) => t.name), attrs: attrList(n, attrs) });
  }

  /** Name of a non-float tensor (initializers are emitted on first use). */
  private nameOf(t: Tensor): string {
    if (t.value !== undefined && !this.inits.has(t.name))
      this.inits.set(t.name, { name: t.name, shape: t.shape, dtype: t.dtype, data: t.value });
    return t.name;
  }

  /** Name of float tensor `t` in `dtype`: itself, a converted initializer or a Cast's output. */
  private as(t: Tensor, dtype: DType): string {
    const have = t.value !== undefined ? t.dtype : this.stored.get(t);
    if (!have) throw new Error(`mixed precision: ${t} is used before it is produced`);
    if (have === dtype) return this.nameOf(t);
    const key = `${t.name}\u0000${dtype}`;
    let name = this.converted.get(key);
    if (name) return name;
    name = this.freshName(`${t.name}_${dtype === 'float16' ? 'f16' : 'f32'}`);
    this.converted.set(key, name);
    if (t.value !== undefined) {
      const data =
        dtype === 'float16' ? float32ToFloat16(t.value as Float32Array) : Float32Array.from(t.value as Uint16Array, fromHalfBits);
      this.inits.set(name, { name, shape: t.shape, dtype, data });
    } else {
      this.out.push({
        name: this.freshName(`Cast_${name}`),
        opType: 'Cast',
        inputs: [t.name],
        outputs: [name],
        attrs: [{ name: 'to', kind: 'int', value: ONNX_DTYPE[dtype] }],
      });
    }
    return name;
  }

  private freshName(base: string): string {
    let name = base;
    for (let k = 1; this.taken.has(name); k++) name = `${base}_${k}`;
    this.taken.add(name);
    return name;
  }
}
