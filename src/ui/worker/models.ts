// Models for the engine worker, compiled once and kept for the session (the Figma iframe has
// no persistent storage). The embedded model's loader comes from the engine once its build
// step lands; CLIP models are offered by the UI only when their loaders exist here.
import embeddedWeights from '../../../build/models/embedded-mobilenetv2.bin';
import { loadEmbeddedModel } from '../../engine/model/embedded-mobilenet-v2.ts';
import type { LossModel } from '../../engine/model/types.ts';
import { MemoryCache } from '../../engine/weights/memory-cache.ts';
import { ort } from './ort.ts';

const models = new MemoryCache<LossModel>();

type Loader = (backend: 'cpu' | 'webgpu') => Promise<LossModel>;

/**
 * Model id -> loader. The embedded model runs on the CPU (wasm) EP on every backend: at
 * ~0.3 GFLOP per view it is not worth the WebGPU EP's start-up, and the rasterizer already
 * uses the GPU when there is one.
 */
const LOADERS: Record<string, Loader> = {
  embedded: () => loadEmbeddedModel(embeddedWeights, { ort, sessionOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' } }),
};

export function loadModel(id: string, backend: 'cpu' | 'webgpu'): Promise<LossModel> {
  const loader = LOADERS[id];
  if (!loader) return Promise.reject(new Error(`The model '${id}' is not part of this build of Sketchify.`));
  // The CPU and GPU variants differ in their execution provider: cache them apart.
  return models.getOrCreate(`${id}:${backend}`, () => loader(backend));
}

export function downloadModel(id: string, _onProgress: (done: number, total: number) => void): Promise<void> {
  return Promise.reject(new Error(`The model '${id}' cannot be downloaded by this build of Sketchify.`));
}

export function loadModelFromFile(id: string, _bytes: Uint8Array, name: string): Promise<void> {
  return Promise.reject(new Error(`${name}: the model '${id}' cannot be loaded from a file by this build of Sketchify.`));
}
