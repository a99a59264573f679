// Adam as a WebGPU compute kernel, updating a points buffer in place and clamping every
// point into the engine's box exactly as the CPU engine does (optimize/adam-cpu.ts, then
// optimize/clamp.ts clampPoints). The moments live in float32 GPU buffers (the CPU Adam keeps
// float64; test/engine/optimize/gpu-adam.test.ts states the resulting tolerance).
import { canvasBox, type ClampBox } from './clamp.ts';
import { ADAM_PARAMS_BYTES, ADAM_WGSL, ADAM_WORKGROUP, packAdamParams } from './adam-gpu.wgsl.ts';

export interface GpuAdamOptions {
  /** Number of f32 parameters updated (N strokes x 8). */
  count: number;
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Canvas side: without `box`, points are clamped to canvasBox(size). */
  size: number;
  /** Where points may go (optimize/clamp.ts contentBox), as on the CPU path. */
  box?: ClampBox;
  /** One flag per stroke (count / 8): frozen strokes' points are never updated nor clamped. */
  frozen?: ArrayLike<number>;
}

export interface GpuAdam {
  readonly steps: number;
  /**
   * Records one step into `encoder`: points -= lr * mhat / (sqrt(vhat) + eps), then clamp.
   * The step's bias corrections go through queue.writeBuffer, so submit the encoder before
   * the next step() (one step per submit). `lr` overrides the options' for this step (schedules,
   * as the CPU Adam's step(params, grad, lr)).
   */
  step(encoder: GPUCommandEncoder, points: GPUBuffer, grad: GPUBuffer, lr?: number): void;
  /** Zeroes the moments and the step count (a fresh optimizer over the same buffers). */
  reset(): void;
  dispose(): void;
}

const pipelines = new WeakMap<GPUDevice, GPUComputePipeline>();

function pipelineFor(device: GPUDevice): GPUComputePipeline {
  let p = pipelines.get(device);
  if (!p) {
    const module = device.createShaderModule({ label: 'Adam.wgsl', code: ADAM_WGSL });
    p = device.createComputePipeline({ label: 'Adam', layout: 'auto', compute: { module, entryPoint: 'main' } });
    pipelines.set(device, p);
  }
  return p;
}

export function createGpuAdam(
  device: GPUDevice,
  { count, lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, size, box = canvasBox(size), frozen }: GpuAdamOptions,
): GpuAdam {
  if (!Number.isInteger(count) || count < 1) throw new Error(`GpuAdam count must be a positive integer, got ${count}`);
  const strokes = Math.ceil(count / 8);
  if (frozen && frozen.length !== strokes)
    throw new Error(`GpuAdam frozen: expected one flag per stroke (${strokes}), got ${frozen.length}`);
  if (!(lr > 0)) throw new Error(`GpuAdam lr must be > 0, got ${lr}`);
  if (!(size > 0)) throw new Error(`GpuAdam size must be > 0, got ${size}`);
  const pipeline = pipelineFor(device);
  const bytes = Math.ceil((count * 4) / 16) * 16;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
  const m = device.createBuffer({ label: 'Adam.m', size: bytes, usage });
  const v = device.createBuffer({ label: 'Adam.v', size: bytes, usage });
  const uniform = device.createBuffer({
    label: 'Adam.params',
    size: ADAM_PARAMS_BYTES,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  const frozenFlags = device.createBuffer({
    label: 'Adam.frozen',
    size: Math.ceil((strokes * 4) / 16) * 16,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  if (frozen)
    device.queue.writeBuffer(
      frozenFlags,
      0,
      Uint32Array.from(frozen, (f) => (f ? 1 : 0)),
    );
  let t = 0;
  let disposed = false;
  // Bind groups are cached per (points, grad) pair: both are stable buffers in the loop.
  let cached: { points: GPUBuffer; grad: GPUBuffer; group: GPUBindGroup } | null = null;

  function reset(): void {
    t = 0;
    const zeros = new Float32Array(bytes / 4);
    device.queue.writeBuffer(m, 0, zeros);
    device.queue.writeBuffer(v, 0, zeros);
  }

  return {
    get steps() {
      return t;
    },
    step(encoder, points, grad, stepLr = lr) {
      if (disposed) throw new Error('GpuAdam used after dispose()');
      if (!(stepLr > 0)) throw new Error(`GpuAdam lr must be > 0, got ${stepLr}`);
      if (points.size < count * 4 || grad.size < count * 4) {
        throw new Error(`GpuAdam: points (${points.size} B) and grad (${grad.size} B) need at least ${count * 4} bytes`);
      }
      t++;
      const c1 = 1 - beta1 ** t,
        c2 = 1 - beta2 ** t;
      device.queue.writeBuffer(
        uniform,
        0,
        packAdamParams({ count, lr: stepLr, beta1, beta2, eps, c1, c2, x0: box.x0, y0: box.y0, x1: box.x1, y1: box.y1 }),
      );
      if (!cached || cached.points !== points || cached.grad !== grad) {
        const group = device.createBindGroup({
          label: 'Adam.bindGroup',
          layout: pipeline.getBindGroupLayout(0),
          entries: [uniform, points, grad, m, v, frozenFlags].map((buffer, binding) => ({ binding, resource: { buffer } })),
        });
        cached = { points, grad, group };
      }
      const pass = encoder.beginComputePass({ label: 'Adam.pass' });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, cached.group);
      pass.dispatchWorkgroups(Math.ceil(count / ADAM_WORKGROUP));
      pass.end();
    },
    reset,
    dispose() {
      if (disposed) return;
      disposed = true;
      cached = null;
      for (const b of [m, v, uniform, frozenFlags]) b.destroy();
    },
  };
}
