import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserPage, type BrowserSession } from '../../helpers/browser.ts';

describe('headless Chromium', () => {
  let session: BrowserSession;
  beforeAll(async () => {
    session = await openBrowserPage();
  });
  afterAll(async () => {
    await session?.close();
  });

  it('exposes a WebGPU adapter and runs a compute shader', async () => {
    const result = await session.page.evaluate(async () => {
      const adapter = await navigator.gpu?.requestAdapter();
      if (!adapter) return { error: 'no adapter' };
      const device = await adapter.requestDevice();
      const module = device.createShaderModule({
        code: `@group(0) @binding(0) var<storage, read_write> d: array<u32>;
          @compute @workgroup_size(32) fn main(@builtin(global_invocation_id) id: vec3u) { d[id.x] = id.x * 3u; }`,
      });
      const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      const buf = device.createBuffer({ size: 128, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      const read = device.createBuffer({ size: 128, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(
        0,
        device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: buf } }] }),
      );
      pass.dispatchWorkgroups(1);
      pass.end();
      enc.copyBufferToBuffer(buf, 0, read, 0, 128);
      device.queue.submit([enc.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      return { values: Array.from(new Uint32Array(read.getMappedRange())) };
    });
    expect(result).toEqual({ values: Array.from({ length: 32 }, (_, i) => i * 3) });
  });
});
