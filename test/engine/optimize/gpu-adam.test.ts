// The WGSL Adam step + clamp against the engine's CPU Adam (optimize/adam-cpu.ts) + its clamp
// (optimize/clamp.ts clampPoints), over several steps with different gradients, points near and
// beyond the box edges so the clamp is exercised: the canvas box, and a content box of a
// non-square input whose x and y bounds differ (the kernel must tell x from y). Tolerance: 1e-4 px absolute per coordinate (points are
// float32 on both sides; the GPU moments are float32 vs float64 on the CPU; measured ~1e-5).
import { beforeAll, describe, expect, it } from 'vitest';
import { createGpuAdam } from '../../../src/engine/optimize/adam-gpu.ts';
import { Adam } from '../../../src/engine/optimize/adam-cpu.ts';
import { canvasBox, clampPoints, contentBox, type ClampBox } from '../../../src/engine/optimize/clamp.ts';
import { canvasMap } from '../../../src/engine/preprocess/preprocess.ts';
import { getTestDevice } from '../../helpers/webgpu-node.ts';
import { randomArray } from '../../helpers/nn-check.ts';

const TOL = 1e-4;

async function read(device: GPUDevice, buffer: GPUBuffer, floats: number): Promise<Float32Array> {
  const staging = device.createBuffer({ size: floats * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(buffer, 0, staging, 0, floats * 4);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.destroy();
  return out;
}

function storage(device: GPUDevice, data: Float32Array): GPUBuffer {
  const b = device.createBuffer({
    size: Math.ceil(data.byteLength / 16) * 16,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(b, 0, data as Float32Array<ArrayBuffer>);
  return b;
}

/** A 64 x 36 input on a 64 canvas: y is padded, so y stays within [14 + 12, 50 - 12]. */
const WIDE: ClampBox = contentBox(canvasMap(64, 36, 64));

describe('GPU Adam kernel vs the CPU Adam', () => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await getTestDevice();
  });

  it.each([
    { name: '16 strokes, lr 1 (CLIPasso), 8 steps', count: 128, lr: 1, steps: 8 },
    { name: '3 seeds x 5 strokes, lr 0.3, custom betas, 5 steps', count: 120, lr: 0.3, steps: 5, beta1: 0.8, beta2: 0.99 },
    { name: 'per-step lr (a decaying schedule), 6 steps', count: 64, lr: 3, steps: 6, schedule: true },
    { name: 'content box of a wide input (x and y bounds differ), 8 steps', count: 128, lr: 2, steps: 8, box: WIDE },
    { name: 'non-finite gradients (float16 overflow) count as 0, 6 steps', count: 96, lr: 1, steps: 6, nonFinite: true },
  ])('$name', async ({ count, lr, steps, beta1, beta2, schedule, box: optBox, nonFinite }) => {
    const size = 64;
    const box = optBox ?? canvasBox(size);
    // Points across [-10, 74]: some start outside the clamp range, many within 1 px of it.
    const points = randomArray(count, 7, 42, 32);
    const cpu = points.slice();
    const buffer = storage(device, points);
    const gradBuffer = storage(device, new Float32Array(count));
    const cpuAdam = new Adam(count, { lr, beta1, beta2 });
    const gpuAdam = createGpuAdam(device, { count, lr, beta1, beta2, size, box: optBox });
    let moved = 0;
    for (let t = 0; t < steps; t++) {
      // Mixed magnitudes and exact zeros (a zero gradient from the start must not move a point).
      const grad = randomArray(count, 100 + t, 1).map((g, i) => (i % 7 === 0 ? 0 : g * 10 ** ((i % 5) - 2)));
      if (nonFinite) for (let i = 3 + t; i < count; i += 11) grad[i] = [Infinity, -Infinity, NaN][i % 3];
      device.queue.writeBuffer(gradBuffer, 0, grad);
      const enc = device.createCommandEncoder();
      const stepLr = schedule ? lr * (1 - t / steps) : undefined;
      gpuAdam.step(enc, buffer, gradBuffer, stepLr);
      device.queue.submit([enc.finish()]);
      cpuAdam.step(cpu, grad, stepLr);
      clampPoints(cpu, box);
    }
    const got = await read(device, buffer, count);
    let maxErr = 0;
    for (let i = 0; i < count; i++) {
      maxErr = Math.max(maxErr, Math.abs(got[i] - cpu[i]));
      if (Math.abs(cpu[i] - points[i]) > 0.1) moved++;
    }
    expect(got.every(Number.isFinite)).toBe(true);
    expect(maxErr).toBeLessThanOrEqual(TOL);
    expect(moved).toBeGreaterThan(count / 2); // the comparison is not vacuous
    const xs = got.filter((_, i) => i % 2 === 0),
      ys = got.filter((_, i) => i % 2 === 1);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(box.x0);
    expect(Math.max(...xs)).toBeLessThanOrEqual(box.x1);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(box.y0);
    expect(Math.max(...ys)).toBeLessThanOrEqual(box.y1);
    // The wide input's y bounds hold many points (the clamp ran on y, not with x's bounds).
    if (optBox) for (const b of [box.y0, box.y1]) expect(ys.filter((p) => Math.abs(p - b) < 1e-4).length).toBeGreaterThan(4);
    expect(gpuAdam.steps).toBe(steps);
    gpuAdam.dispose();
    buffer.destroy();
    gradBuffer.destroy();
  });

  it('reset() restarts from zero moments', async () => {
    const count = 8,
      size = 64;
    const buffer = storage(device, new Float32Array(count).fill(30));
    const grad = storage(
      device,
      Float32Array.from({ length: count }, (_, i) => (i % 2 ? 1 : -1)),
    );
    const adam = createGpuAdam(device, { count, lr: 0.5, size });
    for (let t = 0; t < 3; t++) {
      const enc = device.createCommandEncoder();
      adam.step(enc, buffer, grad);
      device.queue.submit([enc.finish()]);
      if (t === 0) adam.reset();
    }
    // After reset, two steps of a constant-sign gradient move each point by 2 * lr; plus the first step's lr.
    const got = await read(device, buffer, count);
    got.forEach((v, i) => expect(v).toBeCloseTo(i % 2 ? 30 - 1.5 : 30 + 1.5, 4));
  });

  it('never moves nor clamps frozen strokes, and steps the others as the CPU Adam does', async () => {
    const count = 48,
      size = 64,
      lr = 2,
      box = canvasBox(size);
    const frozen = Uint8Array.of(0, 1, 0, 0, 1, 0); // strokes 1 and 4 of 6
    const points = randomArray(count, 11, 42, 32); // across [-10, 74]: some outside the box
    const cpu = points.slice();
    const buffer = storage(device, points);
    const gradBuffer = storage(device, new Float32Array(count));
    const gpuAdam = createGpuAdam(device, { count, lr, size, frozen });
    const cpuAdam = new Adam(count, { lr });
    for (let t = 0; t < 5; t++) {
      const grad = randomArray(count, 300 + t, 1).map((g) => g);
      device.queue.writeBuffer(gradBuffer, 0, grad);
      const enc = device.createCommandEncoder();
      gpuAdam.step(enc, buffer, gradBuffer);
      device.queue.submit([enc.finish()]);
      // The CPU path: a zeroed gradient for frozen strokes, and a clamp that skips them.
      cpuAdam.step(
        cpu,
        grad.map((g, i) => (frozen[i >> 3] ? 0 : g)),
      );
      clampPoints(cpu, box, frozen);
    }
    const got = await read(device, buffer, count);
    for (let i = 0; i < count; i++) {
      if (frozen[i >> 3]) {
        expect(Object.is(got[i], points[i]), `value ${i}`).toBe(true);
        expect(Object.is(cpu[i], points[i]), `CPU value ${i}`).toBe(true);
      } else expect(Math.abs(got[i] - cpu[i])).toBeLessThanOrEqual(TOL);
    }
    const outside = (i: number) => points[i] < box.x0 || points[i] > box.x1;
    expect(Array.from({ length: count }, (_, i) => i).some((i) => frozen[i >> 3] && outside(i))).toBe(true); // the clamp was skipped, not idle
    expect(() => createGpuAdam(device, { count, lr, size, frozen: [1, 0] })).toThrow(/one flag per stroke \(6\), got 2/);
    gpuAdam.dispose();
  });

  it('rejects bad options and too-small buffers', async () => {
    expect(() => createGpuAdam(device, { count: 0, lr: 1, size: 224 })).toThrow(/count must be a positive integer/);
    expect(() => createGpuAdam(device, { count: 8, lr: 0, size: 224 })).toThrow(/lr must be > 0/);
    const adam = createGpuAdam(device, { count: 64, lr: 1, size: 224 });
    const small = storage(device, new Float32Array(8));
    expect(() => adam.step(device.createCommandEncoder(), small, small)).toThrow(/need at least 256 bytes/);
  });
});
