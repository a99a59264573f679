// The pixel-MSE test model (engine-pixel-model.ts) as a GPU loss session, so Node tests can run
// the one-device loop (optimize/gpu-pipeline.ts: raster -> loss -> raster backward -> Adam kernel, all
// on one GPUDevice) without onnxruntime: the same loss and exact gradient, in one WGSL kernel.
import type { GpuLoss, LossModel, LossWeights, TargetFeatures } from '../../src/engine/models/types.ts';

const WGSL = /* wgsl */ `
struct Params { n: u32, w: f32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> views: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<f32>;
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;
@group(0) @binding(4) var<storage, read_write> loss: array<f32>;
var<workgroup> partial: array<f32, 64>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32) {
  var sum = 0.0;
  for (var i = t; i < params.n; i += 64u) {
    let d = views[i] - targets[i];
    grad[i] = 2.0 * params.w * d / f32(params.n);
    sum += d * d;
  }
  partial[t] = sum;
  workgroupBarrier();
  if (t == 0u) {
    var total = 0.0;
    for (var k = 0u; k < 64u; k++) { total += partial[k]; }
    loss[0] = params.w * total / f32(params.n);
  }
}`;

export function createGpuPixelSession(device: GPUDevice, batch: number, size: number): GpuLoss {
  const plane = size * size,
    n = batch * plane;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const targets = device.createBuffer({ label: 'PixelSession.targets', size: n * 4, usage });
  const grad = device.createBuffer({ label: 'PixelSession.grad', size: n * 4, usage });
  const loss = device.createBuffer({ label: 'PixelSession.loss', size: 16, usage });
  const params = device.createBuffer({ label: 'PixelSession.params', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const pipeline = device.createComputePipeline({
    layout: 'auto',
    compute: { module: device.createShaderModule({ code: WGSL }), entryPoint: 'main' },
  });
  let pool: GPUBuffer | null = null;
  const groups = new Map<GPUBuffer, GPUBindGroup>();
  return {
    id: 'pixel-mse-gpu',
    batch,
    size,
    precision: 'float32',
    setWeights(weights: LossWeights) {
      const buffer = new ArrayBuffer(16);
      new Uint32Array(buffer)[0] = n;
      new Float32Array(buffer)[1] = weights.geometric.pixels ?? 0;
      device.queue.writeBuffer(params, 0, buffer);
    },
    setTargetPool(features: TargetFeatures) {
      pool?.destroy();
      const pixels = features.tensors.pixels;
      pool = device.createBuffer({ label: 'PixelSession.pool', size: pixels.byteLength, usage });
      device.queue.writeBuffer(pool, 0, pixels as Float32Array<ArrayBuffer>);
    },
    selectTargets(encoder, indices) {
      if (!pool) throw new Error('selectTargets before setTargetPool');
      indices.forEach((k, b) => encoder.copyBufferToBuffer(pool!, k * plane * 4, targets, b * plane * 4, plane * 4));
    },
    async run(views) {
      let group = groups.get(views);
      if (!group) {
        group = device.createBindGroup({
          layout: pipeline.getBindGroupLayout(0),
          entries: [params, views, targets, grad, loss].map((buffer, binding) => ({ binding, resource: { buffer } })),
        });
        groups.set(views, group);
      }
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(1);
      pass.end();
      device.queue.submit([encoder.finish()]);
      return { loss, gradViews: grad, release() {} };
    },
    async dispose() {
      for (const b of [targets, grad, loss, params, pool]) b?.destroy();
    },
  };
}

/** `model` (the pixel-MSE test model) offering the GPU session above. */
export function withGpuPixelSession<M extends LossModel>(model: M): M {
  return Object.assign(model, {
    createGpuLossSession: async (device: GPUDevice, batch: number) => createGpuPixelSession(device, batch, model.size),
  });
}
