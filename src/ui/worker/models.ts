// Models for the engine worker, compiled once and kept for the session (the Figma iframe has
// no persistent storage). The embedded model ships in the bundle; CLIP models from the
// registry are downloaded (ranged, verified, cancellable) or read from a file the user picked,
// then compiled by the engine's clip-loss-model.ts, the same code the CLI uses.
import embeddedWeights from '../../../build/models/embedded-mobilenetv2.bin';
import {
  loadEmbeddedModel,
  OnnxLossModel,
  type LossModel,
  clipLossModel,
  clipWeightsFromBytes,
  downloadClipWeights,
  MemoryCache,
  WeightSet,
} from '../../engine/index.ts';
import { isClipEntry, type ClipModelEntry } from '../../../models/clip-common.ts';
import { MODEL_REGISTRY } from '../../../models/registry.ts';
import type { WireWeights } from '../engine/protocol.ts';
import { ort } from './ort.ts';
import { explainRefusal, watchRefusedConnections } from './refused-connections.ts';

const models = new MemoryCache<LossModel>();
/** Downloads in flight, by model id: the UI may cancel them. */
const downloads = new Map<string, AbortController>();
/**
 * Verified weights, kept only by a worker without WebGPU: there a GPU run of a CLIP model goes
 * to the main-thread engine (src/ui/engine/engine-client.ts), which asks once per model for a copy
 * and compiles it. A copy, not a transfer: the worker's model builds sessions lazily from the
 * same weights. Memory: on that fallback host the set (RN101 ~0.2 GB) stays beside the compiled
 * model where the model does not view it already, and the main thread holds its own copy once a
 * GPU run asked; a worker with WebGPU keeps nothing extra.
 */
const handover = new Map<string, WeightSet>();
const keepForHandover = (id: string, weights: WeightSet) => {
  if (!(navigator as Navigator & { gpu?: GPU }).gpu) handover.set(id, weights);
};

/**
 * Sessions for the CPU path run on the wasm EP. Given `webgpuOrt`, a model also offers a GPU
 * loss session built on the engine's GPUDevice, so on the WebGPU backend sketchify runs the
 * whole loop on that one device (src/engine/optimize/steppers.ts).
 */
const SESSION = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' } as const;

function clipEntry(id: string): ClipModelEntry {
  const entry = MODEL_REGISTRY.find((m) => m.id === id);
  if (!entry || !isClipEntry(entry)) throw new Error(`The model '${id}' is not part of this build of Sketchify.`);
  return entry;
}

function compileClip(entry: ClipModelEntry, weights: WeightSet): Promise<LossModel> {
  return clipLossModel(entry, weights, { ort, webgpuOrt: ort, sessionOptions: { ...SESSION, executionProviders: [...SESSION.executionProviders] } });
}

export function loadModel(id: string): Promise<LossModel> {
  if (id === 'embedded') return models.getOrCreate(id, () => loadEmbeddedModel(embeddedWeights, { ort, webgpuOrt: ort, sessionOptions: { ...SESSION, executionProviders: ['wasm'] } }));
  if (!models.has(id)) return Promise.reject(new Error(`The model '${id}' is not downloaded yet: download it or load its weights from a file first.`));
  return models.getOrCreate(id, () => Promise.reject(new Error('unreachable')));
}

/**
 * Creates the model's CPU loss-and-gradient session for `batch` (seeds x views) ahead of a
 * run (warm-up): the model caches it, so the run that needs it joins it.
 */
export async function prepareCpuLoss(id: string, batch: number): Promise<void> {
  const model = await loadModel(id);
  if (model instanceof OnnxLossModel) await model.lossSession(batch);
}

/** The commit each model's weights came from, where the answer named it (X-Repo-Commit). */
const repoCommits = new Map<string, string | undefined>();

/**
 * Downloads, verifies and compiles a CLIP model; a second call while one runs joins it.
 * Resolves to the commit that answered, where the server's answer named it.
 */
export async function downloadModel(id: string, onProgress: (done: number, total: number) => void): Promise<string | undefined> {
  const entry = clipEntry(id);
  await models.getOrCreate(id, async () => {
    const controller = new AbortController();
    downloads.set(id, controller);
    const refused = watchRefusedConnections();
    try {
      const weights = await downloadClipWeights(entry, { context: 'plugin', signal: controller.signal, onProgress: (p) => onProgress(p.bytesDone, p.bytesTotal) });
      const model = await compileClip(entry, weights);
      keepForHandover(id, weights);
      repoCommits.set(id, weights.repoCommit);
      return model;
    } catch (error) {
      throw explainRefusal(error, refused);
    } finally {
      refused.stop();
      downloads.delete(id);
    }
  });
  return repoCommits.get(id);
}

export function cancelDownload(id: string): void {
  downloads.get(id)?.abort(Object.assign(new Error('The download was cancelled.'), { name: 'AbortError' }));
}

/**
 * A safetensors file the user picked (the original checkpoint or an extract of it); resolves to
 * the commit the file records (a CLI cache file does), else undefined.
 */
export async function loadModelFromFile(id: string, bytes: Uint8Array, name: string): Promise<string | undefined> {
  const entry = clipEntry(id);
  const weights = await clipWeightsFromBytes(entry, bytes, `weights file ${name}`);
  const model = await compileClip(entry, weights);
  keepForHandover(id, weights);
  models.set(id, model);
  repoCommits.set(id, weights.repoCommit);
  return weights.repoCommit;
}

/** The weights for a main-thread engine (null when this worker kept none). */
export function handOverWeights(id: string): WireWeights | null {
  const w = handover.get(id);
  return w ? { entries: [...w.entries], payload: w.payload, sha256: w.sha256 } : null;
}

/** The main-thread engine compiles weights handed over by the worker (verified there). */
export function adoptWeights(id: string, w: WireWeights): void {
  const entry = clipEntry(id);
  void models.getOrCreate(id, () => compileClip(entry, new WeightSet(w.entries, w.payload, w.sha256)));
}
