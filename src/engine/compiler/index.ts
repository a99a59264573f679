// Public surface of the graph compiler.
//
//   const g = new Graph('demo');
//   const x = g.input('x', [1, 3, 8, 8], { requiresGrad: true });        // static shape, float32
//   const w = g.weight('w', data, [4, 3, 3, 3], { storage: 'float16' });  // frozen initializer
//   const y = relu6(conv(x, w, null, { strides: [2, 2], pads: [0, 0, 1, 1] }));
//   const loss = reduceMean(mul(y, y));                                     // scalar []
//   g.output(loss, 'loss');
//   appendInputGradients(g, loss);                                          // adds output grad_x
//   const bytes = serializeModel(g);                                        // ONNX opset 17
//   const session = await ort.InferenceSession.create(bytes);
//
// The builder's float tensors are float32; float16 weight storage only shrinks initializers
// (a Cast to float32 follows). serializeModel(g, doc, { precision: 'float16' }) emits the
// same graph computing in half precision where that is safe (mixed-precision.ts); loss
// graphs meant for it are built with buildLossGraph's gradScale (loss scaling). Op functions take tensors (numbers become shared scalar
// constants) and infer static output shapes; each primitive's input gradient sits next to
// it in ops/*.ts. Weights are frozen: gradients flow only to inputs created with requiresGrad.
export { Graph, Tensor, shapeSize } from './graph.ts';
export type { DType, Shape, Primitive, BackwardContext, InputOptions, WeightOptions } from './graph.ts';
export * from './ops/index.ts';
export * from './composite.ts';
export { gradients, appendInputGradients, unbroadcast } from './autodiff.ts';
export { serializeModel, OPSET, type SerializeOptions } from './onnx.ts';
export { lowerGraph, HALF_OPS, MIN_HALF_ELEMENTS, type Precision } from './mixed-precision.ts';
export { countFlops } from './flops.ts';
export { buildForwardGraph, buildLossGraph, tapOutput } from '../networks/loss-graph.ts';
export type { Architecture, ArchitectureOutputs, LossGraphOptions, ModelShape } from '../networks/loss-graph.ts';
