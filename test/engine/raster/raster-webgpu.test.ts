import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCpuRasterizer } from '../../../src/engine/raster/cpu.ts';
import { IDENTITY_VIEW } from '../../../src/engine/raster/types.ts';
import { createWebGpuRasterizer, type WebGpuRasterizer } from '../../../src/engine/raster/webgpu.ts';
import { compareWithCpu } from '../../helpers/raster-compare.ts';
import { randomStrokes } from '../../helpers/raster-scenes.ts';
import { getTestDevice } from '../../helpers/webgpu-node.ts';

// Tolerances (f32 on the GPU vs float64 inside the CPU reference): images within 5e-5
// absolute; gradients within 5e-4 of the largest reference gradient component. Measured
// on SwiftShader: <= 6e-6 and <= 3e-5.
const FORWARD_TOL = 5e-5;
const BACKWARD_TOL = 5e-4;

describe('WebGPU rasterizer in Node (Dawn / SwiftShader) vs the CPU reference', () => {
  let device: GPUDevice;
  let raster: WebGpuRasterizer;
  beforeAll(async () => {
    device = await getTestDevice(); // no adapter = failure, never a skip
    raster = await createWebGpuRasterizer(device);
  });
  afterAll(() => raster?.dispose());

  it('forward and backward match on every comparison scene', async () => {
    const rows = await compareWithCpu(raster);
    for (const row of rows) {
      expect(row.forwardMaxAbs, row.name).toBeLessThan(FORWARD_TOL);
      expect(row.backwardMaxRel, row.name).toBeLessThan(BACKWARD_TOL);
      if (row.name !== 'N = 0') {
        expect(row.inkPixels, row.name).toBeGreaterThan(0);
        expect(row.gradScale, row.name).toBeGreaterThan(0.01);
      }
    }
  });

  it('takes points from a GPU buffer and returns GPU buffers without readback', async () => {
    const size = 32;
    const points = randomStrokes(4, size, 12);
    const views = Float32Array.from(IDENTITY_VIEW);
    const pointsBuffer = device.createBuffer({
      label: 'test.points',
      size: points.byteLength + 64,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(pointsBuffer, 0, points);
    const image = raster.forwardToBuffer({ points: pointsBuffer, strokes: 4, views, size, width: 3 });
    // Overwriting the caller's buffer after the call must not change the rendered scene.
    device.queue.writeBuffer(pointsBuffer, 0, new Float32Array(points.length));
    const gradBuffer = device.createBuffer({
      label: 'test.gradImages',
      size: size * size * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(gradBuffer, 0, new Float32Array(size * size).fill(1));
    const grad = raster.backwardFromBuffer(gradBuffer);
    const cpu = createCpuRasterizer();
    const refImage = await cpu.forward({ points, views, size, width: 3 });
    const refGrad = await cpu.backward(new Float32Array(size * size).fill(1));
    const gotImage = await raster.readBuffer(image, size * size);
    const gotGrad = await raster.readBuffer(grad, 32);
    const scale = Math.max(...refGrad.map(Math.abs));
    for (let i = 0; i < refImage.length; i++) expect(Math.abs(gotImage[i] - refImage[i])).toBeLessThan(FORWARD_TOL);
    for (let i = 0; i < 32; i++) expect(Math.abs(gotGrad[i] - refGrad[i]) / scale).toBeLessThan(BACKWARD_TOL);
    pointsBuffer.destroy();
    gradBuffer.destroy();
  });

  it('renders nothing with zero gradient for an off-canvas stroke, and reuses its buffers', async () => {
    const size = 24;
    const scene = {
      points: Float32Array.from([300, 300, 320, 310, 330, 290, 360, 300]),
      views: Float32Array.from(IDENTITY_VIEW),
      size,
      width: 3,
    };
    const first = raster.forwardToBuffer(scene);
    const img = await raster.forward(scene);
    expect(img.every((v) => v === 1)).toBe(true);
    expect(raster.forwardToBuffer(scene)).toBe(first); // same shape: same GPU buffer, no reallocation
    const grad = await raster.backward(new Float32Array(size * size).fill(1));
    expect(Array.from(grad)).toEqual(new Array(8).fill(0));
  });

  it('renders 256 strokes and rejects bad input like the CPU path', async () => {
    const size = 32;
    const img = await raster.forward({ points: randomStrokes(256, size, 2), views: Float32Array.from(IDENTITY_VIEW), size, width: 1 });
    expect(img.some((v) => v < 0.5)).toBe(true);
    expect((await raster.backward(new Float32Array(size * size).fill(1))).every(Number.isFinite)).toBe(true);
    await expect(
      raster.forward({
        points: Float32Array.from([0, 0, 1, 1, 2, Infinity, 3, 3]),
        views: Float32Array.from(IDENTITY_VIEW),
        size,
        width: 3,
      }),
    ).rejects.toThrow(/points: non-finite value Infinity/);
    await expect(raster.backward(new Float32Array(3))).rejects.toThrow(/gradImages length 3/);
  });
});
