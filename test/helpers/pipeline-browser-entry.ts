// Bundled into a headless Chromium page by test/engine/optimize/pipeline-browser.test.ts. The page has
// loaded onnxruntime-web's webgpu build as window.ort. Runs the same iterations on the GPU
// pipeline (WebGPU rasterizer, webgpu EP on the page's device, Adam kernel) and on the CPU
// path (CPU rasterizer, the same ONNX on the wasm EP, CPU Adam) and returns both.
import type * as Ort from 'onnxruntime-web';
import { buildTargetPool, gatherTargets, gatherViews } from '../../src/engine/augment/targets.ts';
import { viewPool } from '../../src/engine/augment/views.ts';
import { createCpuPipeline } from '../../src/engine/optimize/cpu-pipeline.ts';
import { createGpuPipeline } from '../../src/engine/optimize/gpu-pipeline.ts';
import { defaultGpuPrecision, GpuLossSession } from '../../src/engine/models/gpu-loss-session.ts';
import { createOnnxLossModel } from '../../src/engine/models/onnx-loss-model.ts';
import { createRandom } from '../../src/engine/random.ts';
import { createCpuRasterizer } from '../../src/engine/raster/cpu.ts';
import { pipelineTestNet } from './pipeline-arch.ts';

export interface PipelineCase {
  seeds: number;
  strokes: number;
  views: number;
  size: number;
  iterations: number;
  lr: number;
}

export interface PipelineRun {
  adapter: string;
  shaderF16: boolean;
  defaultPrecision: 'float32' | 'float16';
  /** The error of a float16 session on a device without shader-f16 (null when it has it). */
  float16Refusal: string | null;
  cpuLosses: number[];
  gpuLosses: number[];
  cpuPoints: number[][];
  gpuPoints: number[][];
  initialPoints: number[][];
}

async function runPipelineComparison(c: PipelineCase): Promise<PipelineRun | { error: string }> {
  const ort = (globalThis as unknown as { ort: typeof Ort }).ort;
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) return { error: 'no WebGPU adapter in this page' };
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    },
  });
  const { size, seeds, strokes, views: V } = c;
  const random = createRandom(11);
  const spec = {
    id: 'pipeline-test',
    size,
    architecture: pipelineTestNet,
    defaultWeights: { geometric: { block: 1, down: 1 }, semantic: 0.5 },
  };
  const cpuModel = await createOnnxLossModel(spec, { ort, sessionOptions: { executionProviders: ['wasm'] } });
  // A target with structure: dark disc on a gradient.
  const rgb = new Float32Array(3 * size * size);
  for (let ch = 0; ch < 3; ch++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inDisc = (x - size * 0.45) ** 2 + (y - size * 0.5) ** 2 < (size * 0.25) ** 2;
        rgb[(ch * size + y) * size + x] = inDisc ? 0.1 + 0.1 * ch : 0.9 - (0.4 * x) / size;
      }
    }
  }
  const pool = await buildTargetPool(cpuModel, rgb, viewPool(size, 3, random));
  const initial = Array.from({ length: seeds }, () => Float32Array.from({ length: strokes * 8 }, () => size * (0.15 + 0.7 * random())));
  const weights = spec.defaultWeights;

  const cpu = createCpuPipeline({
    model: cpuModel,
    rasterizers: initial.map(() => createCpuRasterizer()),
    pool,
    weights,
    strokes,
    width: 3,
    lr: c.lr,
  });
  // float32 explicitly: this compares with the CPU path, float16 (shader-f16) has its own tolerances.
  const session = await GpuLossSession.create({
    ort,
    device,
    id: spec.id,
    architecture: spec.architecture,
    size,
    batch: seeds * V,
    precision: 'float32',
  });
  const float16Refusal = device.features.has('shader-f16')
    ? null
    : await GpuLossSession.create({ ort, device, id: spec.id, architecture: spec.architecture, size, batch: 1, precision: 'float16' }).then(
        (s) => (void s.dispose(), 'created'),
        (e: Error) => e.message,
      );
  session.setWeights(weights);
  session.setTargetPool(
    gatherTargets(
      pool,
      Array.from({ length: pool.views.length / 9 }, (_, i) => i),
    ),
  );
  const gpu = await createGpuPipeline({ device, session, seeds, strokes, width: 3, lr: c.lr });
  initial.forEach((p, s) => (cpu.setPoints(s, p), gpu.setPoints(s, p)));
  for (let it = 0; it < c.iterations; it++) {
    const targets = [0, ...Array.from({ length: V - 1 }, (_, k) => 1 + ((it + k) % 3))];
    const views = gatherViews(pool, targets);
    const lr = c.lr * (1 - it / (c.iterations + 1)); // a decaying schedule, as sketch.ts applies
    await cpu.iterate(views, targets, lr);
    await gpu.iterate(views, targets, false, lr);
  }
  const result: PipelineRun = {
    adapter: `${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.description}`.trim(),
    shaderF16: gpu.shaderF16,
    defaultPrecision: defaultGpuPrecision(device),
    float16Refusal,
    cpuLosses: cpu.losses,
    gpuLosses: await gpu.readLosses(),
    cpuPoints: cpu.points.map((p) => Array.from(p)),
    gpuPoints: (await gpu.readPoints()).map((p) => Array.from(p)),
    initialPoints: initial.map((p) => Array.from(p)),
  };
  gpu.dispose();
  await session.dispose();
  await cpuModel.dispose();
  return result;
}

(globalThis as unknown as { runPipelineComparison: typeof runPipelineComparison }).runPipelineComparison = runPipelineComparison;
