import { describe, expect, it } from 'vitest';
import { getTestDevice } from '../../helpers/webgpu-node.ts';

describe('WebGPU in Node (Dawn)', () => {
  it('runs a compute shader and reads the result back', async () => {
    const device = await getTestDevice();
    const n = 64;
    const module = device.createShaderModule({
      label: 'test.square',
      code: `@group(0) @binding(0) var<storage, read_write> data: array<f32>;
        @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) {
          data[id.x] = data[id.x] * data[id.x] + 1.0;
        }`,
    });
    const pipeline = device.createComputePipeline({ label: 'test.square', layout: 'auto', compute: { module, entryPoint: 'main' } });
    const input = Float32Array.from({ length: n }, (_, i) => i - 10);
    const storage = device.createBuffer({
      label: 'test.data',
      size: n * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(storage, 0, input);
    const readback = device.createBuffer({ label: 'test.readback', size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: storage } }],
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(1);
    pass.end();
    encoder.copyBufferToBuffer(storage, 0, readback, 0, n * 4);
    device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(readback.getMappedRange().slice(0));
    readback.unmap();
    expect(Array.from(out)).toEqual(Array.from(input, (x) => x * x + 1));
  });
});
