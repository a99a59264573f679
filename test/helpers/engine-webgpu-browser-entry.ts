// Bundled into a headless Chromium page by test/engine/engine-webgpu-browser.test.ts. The page has
// loaded onnxruntime-web's webgpu build as window.ort. Runs sketchify on the tiny conv net
// (64 px) on the CPU path and on the WebGPU backend (one-device loop, or the WebGPU
// rasterizer alone), optionally destroying the device mid-run.
import type * as Ort from 'onnxruntime-web';
import { createOnnxLossModel } from '../../src/engine/models/onnx-loss-model.ts';
import type { SketchOptions } from '../../src/engine/options.ts';
import type { RgbaImage } from '../../src/engine/preprocess/image.ts';
import type { SketchResult } from '../../src/engine/result.ts';
import { sketchify } from '../../src/engine/sketch.ts';
import { pipelineTestNet } from './pipeline-arch.ts';

export interface EngineCase {
  options: SketchOptions;
  /** Run on the page's GPUDevice (else the CPU path). */
  gpu: boolean;
  /** With gpu: false keeps the model on wasm (WebGPU rasterizer only). */
  oneDevice?: boolean;
  /** Destroy the device at the first progress event of at least this iteration (0: at the init event). */
  destroyAt?: number;
}

export type EngineRun = Pick<
  SketchResult,
  'backend' | 'backendReason' | 'pipeline' | 'fallback' | 'iterations' | 'lossInitial' | 'lossFinal' | 'evalHistory' | 'seed'
> & {
  lossHistory: number[];
  canvasPoints: number[];
  /** Iterations of the progress events, and whether each carried a fallback. */
  progress: { iteration: number; fallback: boolean }[];
  /** Calls of the model's own (wasm) lossAndGradient during the run. */
  modelLossCalls: number;
};

const SIZE = 64;

/** A dark ring and a bar on white. */
function testImage(): RgbaImage {
  const data = new Uint8Array(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const r = Math.hypot(x - SIZE * 0.45, y - SIZE * 0.5);
      const ink = Math.abs(r - SIZE * 0.22) < 2.5 || (y > SIZE * 0.75 && y < SIZE * 0.8 && x > 8 && x < 56);
      const v = ink ? 20 : 245;
      data.set([v, v, v, 255], 4 * (y * SIZE + x));
    }
  }
  return { width: SIZE, height: SIZE, data };
}

let device: GPUDevice | null = null;

async function newDevice(): Promise<GPUDevice> {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter in this page');
  return adapter.requestDevice({
    requiredLimits: {
      maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
}

async function runEngineCase(c: EngineCase): Promise<EngineRun | { error: string }> {
  try {
    const ort = (globalThis as unknown as { ort: typeof Ort }).ort;
    const spec = {
      id: 'pipeline-test',
      size: SIZE,
      architecture: pipelineTestNet,
      defaultWeights: { geometric: { block: 1, down: 1 }, semantic: 0.5 },
    };
    const model = await createOnnxLossModel(spec, { ort, sessionOptions: { executionProviders: ['wasm'] }, webgpuOrt: ort });
    let modelLossCalls = 0;
    const lossAndGradient = model.lossAndGradient.bind(model);
    model.lossAndGradient = (...args) => (modelLossCalls++, lossAndGradient(...args));
    if (c.gpu && (!device || c.destroyAt !== undefined)) device = await newDevice();
    const gpuDevice = c.gpu ? device! : undefined;
    const progress: EngineRun['progress'] = [];
    let destroyed = false;
    const r = await sketchify(
      testImage(),
      { ...c.options, backend: c.gpu ? 'webgpu' : 'cpu' },
      {
        model,
        gpuDevice,
        oneDevice: c.oneDevice,
        progressIntervalMs: 0,
        onProgress(e) {
          if (e.phase === 'optimize') progress.push({ iteration: e.iteration, fallback: !!e.fallback });
          if (c.destroyAt !== undefined && !destroyed && e.iteration >= c.destroyAt) {
            destroyed = true;
            gpuDevice!.destroy();
          }
        },
      },
    );
    await model.dispose();
    if (c.destroyAt !== undefined) device = null;
    const { backend, backendReason, pipeline, fallback, iterations, lossInitial, lossFinal, evalHistory, seed } = r;
    return {
      backend,
      backendReason,
      pipeline,
      fallback,
      iterations,
      lossInitial,
      lossFinal,
      evalHistory,
      seed,
      lossHistory: r.lossHistory,
      canvasPoints: Array.from(r.canvasPoints),
      progress,
      modelLossCalls,
    };
  } catch (error) {
    return { error: `${(error as Error).message}\n${(error as Error).stack}` };
  }
}

(globalThis as unknown as { runEngineCase: typeof runEngineCase }).runEngineCase = runEngineCase;
