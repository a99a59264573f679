// Public surface of the graph compiler.
export { Graph, Tensor, shapeSize } from './graph.ts';
export type { DType, Shape, Primitive, BackwardContext, InputOptions, WeightOptions } from './graph.ts';
export * from './ops/index.ts';
export * from './composite.ts';
export { gradients, appendInputGradients, unbroadcast } from './autodiff.ts';
export { serializeModel, OPSET } from './onnx.ts';
