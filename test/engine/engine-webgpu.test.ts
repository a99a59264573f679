// sketchify on the WebGPU rasterizer (Node, Dawn / SwiftShader) with the pixel-MSE test model:
// the backend is selected and reported, and it follows the CPU run closely.
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../src/engine/preprocess/image.ts';
import { sketchify } from '../../src/engine/sketch.ts';
import { initialOnCanvas } from '../../src/engine/init/continue.ts';
import { preprocess } from '../../src/engine/preprocess/preprocess.ts';
import { createPixelLossModel } from '../helpers/engine-pixel-model.ts';
import { withGpuPixelSession } from '../helpers/gpu-pixel-session.ts';
import { getTestDevice } from '../helpers/webgpu-node.ts';

function ringImage(size: number): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - size / 2, y - size / 2);
      const v = Math.abs(r - size / 4) < 2 ? 0 : 255;
      data.set([v, v, v, 255], 4 * (y * size + x));
    }
  }
  return { width: size, height: size, data };
}

describe('sketchify on WebGPU', () => {
  it('runs on the given device, reports it, and tracks the CPU run', async () => {
    const device = await getTestDevice(); // no adapter = failure, never a skip
    const image = ringImage(32);
    const options = { strokes: 3, iterations: 8, views: 1, seeds: 2, evalEvery: 4, lrSchedule: 'constant' as const, lr: 0.5 };
    const gpu = await sketchify(image, { ...options, backend: 'auto' }, { model: createPixelLossModel(32), gpuDevice: device });
    expect(gpu.backend).toBe('webgpu');
    expect(gpu.pipeline).toBe('webgpu-rasterizer'); // the test model has no GPU loss session
    expect(gpu.backendReason).toBe("GPUDevice available; model 'pixel-mse' has no GPU loss session: it runs on its own runtime");
    const cpu = await sketchify(image, { ...options, backend: 'cpu' }, { model: createPixelLossModel(32) });
    expect(gpu.lossInitial).toBeCloseTo(cpu.lossInitial, 4);
    expect(gpu.lossFinal).toBeLessThan(gpu.lossInitial);
    // f32 GPU vs f64 CPU arithmetic: same trajectory within a small drift after 8 Adam steps
    for (let i = 0; i < cpu.points.length; i++) expect(Math.abs(gpu.points[i] - cpu.points[i])).toBeLessThan(0.05);
  }, 120_000);

  it('keeps frozen strokes bitwise on the WebGPU rasterizer path and in the one-device loop, and tracks the CPU run', async () => {
    const device = await getTestDevice();
    const image = ringImage(32);
    // Four arcs round the ring, a little off; strokes 0 and 2 frozen, one point of 2 off the canvas.
    const initial = [
      24.1, 16.3, 24.2, 20.5, 20.1, 24.2, 16.3, 24.05, 16.2, 24.1, 11.9, 24.3, 7.8, 20.2, 7.7, 16.1, -1.3, 15.9, 7.9, 11.8, 11.7, 8.1, 16.2,
      7.9, 16.1, 8.2, 20.3, 7.9, 24.2, 11.7, 24.3, 16.2,
    ];
    const frozen = [0, 2];
    const options = {
      iterations: 8,
      views: 1,
      evalEvery: 4,
      lrSchedule: 'constant' as const,
      lr: 0.5,
      initial: { points: initial, frozen },
    };
    const onCanvas = initialOnCanvas(initial, preprocess(image, 32).map);
    const given = Float32Array.from(initial);
    const cpu = await sketchify(image, { ...options, backend: 'cpu' }, { model: createPixelLossModel(32) });
    for (const [pipeline, model] of [
      ['webgpu-rasterizer', createPixelLossModel(32)],
      ['webgpu-one-device', withGpuPixelSession(createPixelLossModel(32))],
    ] as const) {
      const gpu = await sketchify(image, { ...options, backend: 'webgpu' }, { model, gpuDevice: device });
      expect(gpu.pipeline).toBe(pipeline);
      for (let i = 0; i < initial.length; i++) {
        if (frozen.includes(i >> 3)) {
          expect(Object.is(gpu.canvasPoints[i], onCanvas[i]), `${pipeline}: canvas value ${i}`).toBe(true);
          expect(Object.is(gpu.points[i], given[i]), `${pipeline}: value ${i}`).toBe(true);
        } else expect(Math.abs(gpu.points[i] - cpu.points[i]), `${pipeline}: value ${i} vs the CPU run`).toBeLessThan(0.05);
      }
      expect(Math.max(...[8, 9, 24, 25].map((i) => Math.abs(gpu.points[i] - given[i])))).toBeGreaterThan(0.05); // the free strokes moved
      expect(gpu.lossFinal).toBeLessThan(gpu.lossInitial);
    }
  }, 120_000);
});
