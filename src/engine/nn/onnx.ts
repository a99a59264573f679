// Serialization of a Graph to ONNX ModelProto bytes through onnx-proto (protobufjs).
// Opset 17 (LayerNormalization; ReduceMean still takes axes as an attribute).
import onnxProto from 'onnx-proto';
import { liveNodes, ONNX_DTYPE, type AttrKind, type AttrValue, type Graph, type Tensor } from './graph.ts';

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

export function serializeModel(graph: Graph, docString = ''): Uint8Array {
  if (graph.outputs.length === 0) throw new Error(`serializeModel: graph '${graph.name}' has no outputs`);
  const nodes = liveNodes(graph);
  const used = new Set<Tensor>();
  for (const n of nodes) for (const t of n.inputs) if (t) used.add(t);
  const node = nodes.map((n) => {
    const inputs = n.inputs.map((t) => t?.name ?? '');
    while (inputs.length && inputs[inputs.length - 1] === '') inputs.pop();
    return {
      name: n.name,
      opType: n.op.type,
      input: inputs,
      output: n.outputs.map((t) => t.name),
      attribute: Object.entries(n.attrs).map(([k, v]) => attribute(k, n.op.attrs[k], v)),
    };
  });
  const initializer = graph.initializers
    .filter((t) => used.has(t))
    .map((t) => {
      const v = t.value!;
      return { name: t.name, dims: [...t.shape], dataType: ONNX_DTYPE[t.dtype], rawData: new Uint8Array(v.buffer, v.byteOffset, v.byteLength) };
    });
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
