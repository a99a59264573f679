// sketchify on the WebGPU rasterizer (Node, Dawn / SwiftShader) with the pixel-MSE test model:
// the backend is selected and reported, and it follows the CPU run closely.
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../src/engine/preprocess/image.ts';
import { sketchify } from '../src/engine/sketch.ts';
import { createPixelLossModel } from './helpers/engine-pixel-model.ts';
import { getTestDevice } from './helpers/webgpu-node.ts';

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
});
