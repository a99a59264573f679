// Before timing: does the webgpu EP on our device compute the right thing in Node? The tiny
// conv net's loss and input gradient from a GpuLossSession (inputs on our GPU buffers,
// outputs left on the GPU and read back) against onnxruntime-web's CPU (wasm) EP on the same
// inputs. A foreign buffer read as zeros, or a driver/EP miscompile, shows as a large error.
import type * as Ort from 'onnxruntime-web';
import { GpuLossSession, buildLossGraph, serializeModel, createRandom } from '../../src/engine/index.ts';
import { pipelineTestNet } from '../../test/helpers/pipeline-arch.ts';

const B = 2;
const SIZE = 32;

async function readBack(device: GPUDevice, src: GPUBuffer, floats: number): Promise<Float32Array> {
  const dst = device.createBuffer({ size: floats * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, 0, dst, 0, floats * 4);
  device.queue.submit([enc.finish()]);
  await dst.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(dst.getMappedRange().slice(0));
  dst.destroy();
  return out;
}

export interface CheckRow {
  loss_gpu: number;
  loss_cpu: number;
  loss_rel_err: number;
  grad_rel_err: number;
  ok: boolean;
}

/**
 * `precision` float16 (shader-f16 devices) is checked against the same float32 CPU answer,
 * with the tolerances of half-precision storage (test/engine/compiler/nn-mixed-precision.test.ts).
 */
export async function checkAgainstCpu(ort: typeof Ort, device: GPUDevice, precision: 'float32' | 'float16' = 'float32'): Promise<CheckRow> {
  const graph = buildLossGraph(pipelineTestNet, { batch: B, size: SIZE });
  const random = createRandom(9);
  const views = Float32Array.from({ length: B * SIZE * SIZE }, () => random());
  const targets: Record<string, Float32Array> = {};
  const feeds: Record<string, Ort.Tensor> = { views: new ort.Tensor('float32', views, [B, 1, SIZE, SIZE]) };
  const taps: Record<string, number> = {};
  for (const t of graph.inputs) {
    if (t.name.startsWith('target_')) {
      targets[t.name.slice(7)] = Float32Array.from({ length: t.size }, () => random());
      feeds[t.name] = new ort.Tensor('float32', targets[t.name.slice(7)], [...t.shape]);
    } else if (t.name.startsWith('w_')) {
      if (t.name !== 'w_semantic') taps[t.name.slice(2)] = 1;
      feeds[t.name] = new ort.Tensor('float32', Float32Array.of(t.name === 'w_semantic' ? 0.1 : 1), []);
    }
  }
  const cpu = await ort.InferenceSession.create(serializeModel(graph, 'check (cpu)'), { executionProviders: ['wasm'] });
  const ref = await cpu.run(feeds, ['loss', 'grad_views']);
  const lossCpu = (ref.loss.data as Float32Array)[0];
  const gradCpu = ref.grad_views.data as Float32Array;
  await cpu.release();

  const session = await GpuLossSession.create({ ort, device, id: 'check', architecture: pipelineTestNet, size: SIZE, batch: B, precision });
  session.setWeights({ geometric: taps, semantic: 0.1 });
  session.setTargetPool({ batch: B, tensors: targets });
  const viewsBuffer = device.createBuffer({
    size: views.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
  });
  device.queue.writeBuffer(viewsBuffer, 0, views);
  const enc = device.createCommandEncoder();
  session.selectTargets(enc, [0, 1]);
  device.queue.submit([enc.finish()]);
  const out = await session.run(viewsBuffer);
  const lossGpu = (await readBack(device, out.loss, 1))[0];
  const gradGpu = await readBack(device, out.gradViews, gradCpu.length);
  out.release();
  viewsBuffer.destroy();
  await session.dispose();

  let maxRef = 0;
  let maxErr = 0;
  gradCpu.forEach((g, i) => {
    maxRef = Math.max(maxRef, Math.abs(g));
    maxErr = Math.max(maxErr, Math.abs(g - gradGpu[i]));
  });
  const lossRel = Math.abs(lossGpu - lossCpu) / Math.abs(lossCpu);
  const gradRel = maxErr / maxRef;
  return {
    loss_gpu: lossGpu,
    loss_cpu: lossCpu,
    loss_rel_err: +lossRel.toExponential(2),
    grad_rel_err: +gradRel.toExponential(2),
    ok: lossRel < (precision === 'float16' ? 1e-2 : 1e-3) && gradRel < (precision === 'float16' ? 0.1 : 1e-2) && maxRef > 0,
  };
}
