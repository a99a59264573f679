// The one-device GPU iteration (WebGPU backend) and its CPU twin. Usage (browser, where
// onnxruntime-web's webgpu EP runs; it does not in Node with the npm `webgpu` package):
//
//   import * as ort from 'onnxruntime-web/webgpu';          // not the default build (§7)
//   const session = await GpuLossSession.create({ ort, device, id, architecture, size: 224, batch: seeds * views });
//   session.setWeights(weights);
//   session.setTargetPool(gatherTargets(pool, allIndices));  // target features uploaded once
//   const gpu = await createGpuPipeline({ device, session, seeds, strokes, width, lr });
//   seedsPoints.forEach((p, s) => gpu.setPoints(s, p));
//   for (...) await gpu.iterate(gatherViews(pool, indices), indices, false, lrAt(it));
//   every k iterations: await gpu.readLosses(); await gpu.readPoints();  // the only readbacks
//
// Every seed sees the same views (indices), as in sketch.ts; the session's batch is
// seeds x views and its loss is the mean over that whole batch, as in sketch.ts.
export { createGpuAdam, type GpuAdam, type GpuAdamOptions } from './adam.ts';
export { createGpuPipeline, type GpuPipeline, type GpuPipelineOptions, type IterationTimings } from './pipeline.ts';
export { createCpuPipeline, type CpuPipeline, type CpuPipelineOptions } from './cpu-pipeline.ts';
export { GpuLossSession, type GpuLossOutputs, type GpuLossSessionOptions } from '../model/gpu-loss-session.ts';
