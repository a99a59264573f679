// Serialization of a Graph to ONNX ModelProto bytes through onnx-proto (protobufjs).
// Opset 17 (LayerNormalization; ReduceMean still takes axes as an attribute).
import onnxProto from 'onnx-proto';
import { ONNX_DTYPE, type AttrKind, type AttrValue, type Graph, type Tensor } from './graph.ts';
import { lowerGraph, type Precision } from './mixed-precision.ts';

const { onnx } = onnxProto;
export const OPSET = 17;
const IR_VERSION = 8;

const ATTR_TYPE: Record<AttrKind, number> = { float: 1, int: 2, string: 3, floats: 6, ints: 7 };

function attribute(name: string, kind: AttrKind, value: AttrValue): onnxProto.onnx.IAttributeProto {
  const a: onnxProto.onnx.IAttributeProto = { name, type: ATTR_TYPE[kind] };
  if (kind === 'float') a.f = value as number;
  else if (kind === 'int') a.i = value as number;
  else if (kind === 'string') a.s = new TextEncoder().encode(value as string);
  else if (kind === 'floats') a.floats = [...(value as number[])];
  else a.ints = [...(value as number[])];
  return a;
}

function valueInfo(t: Tensor): onnxProto.onnx.IValueInfoProto {
  return {
    name: t.name,
    type: { tensorType: { elemType: ONNX_DTYPE[t.dtype], shape: { dim: t.shape.map((d) => ({ dimValue: d })) } } },
  };
}

export interface SerializeOptions {
  /** Arithmetic precision of the emitted model (mixed-precision.ts); the interface stays float32. */
  precision?: Precision;
}

export function serializeModel(graph: Graph, docString = '', { precision = 'float32' }: SerializeOptions = {}): Uint8Array {
  if (graph.outputs.length === 0) throw new Error(`serializeModel: graph '${graph.name}' has no outputs`);
  const lowered = lowerGraph(graph, precision);
  const node = lowered.nodes.map((n) => {
    const inputs = [...n.inputs];
    while (inputs.length && inputs[inputs.length - 1] === '') inputs.pop();
    return {
      name: n.name,
      opType: n.opType,
      input: inputs,
      output: n.outputs,
      attribute: n.attrs.map((a) => attribute(a.name, a.kind, a.value)),
    };
  });
  const initializer = lowered.initializers.map(({ name, shape, dtype, data }) => ({
    name,
    dims: [...shape],
    dataType: ONNX_DTYPE[dtype],
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  }));
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'sketchify',
    docString,
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: graph.name,
      node,
      initializer,
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
