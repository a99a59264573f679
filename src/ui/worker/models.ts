// Models for the engine worker, compiled once and kept for the session. The embedded model
// ships with the window; CLIP models from the registry are downloaded (ranged, verified,
// cancellable) or read from a file the user picked, then compiled by the engine's
// clip-loss-model.ts, the same code the CLI uses. Where the window has storage (the hosted
// window: model-store.ts) downloaded weights are kept and re-verified on the next session.
import embeddedAsset from '../../../build/models/embedded-mobilenetv2.bin';
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
import { assetBytes } from './assets.ts';
import { ModelStore, storeUnavailable, type StoredModel } from './model-store.ts';
import { ortReady } from './ort.ts';
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

async function compileClip(entry: ClipModelEntry, weights: WeightSet): Promise<LossModel> {
  const ort = await ortReady();
  return clipLossModel(entry, weights, {
    ort,
    webgpuOrt: ort,
    sessionOptions: { ...SESSION, executionProviders: [...SESSION.executionProviders] },
  });
}

async function loadEmbedded(): Promise<LossModel> {
  const [ort, weights] = await Promise.all([ortReady(), assetBytes(embeddedAsset, "The embedded model's weights")]);
  return loadEmbeddedModel(weights, { ort, webgpuOrt: ort, sessionOptions: { ...SESSION, executionProviders: ['wasm'] } });
}

export function loadModel(id: string): Promise<LossModel> {
  if (id === 'embedded') return models.getOrCreate(id, loadEmbedded);
  if (!models.has(id))
    return Promise.reject(new Error(`The model '${id}' is not downloaded yet: download it or load its weights from a file first.`));
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

/** How a download ended: where the weights came from, and whether they were kept. */
export interface Obtained {
  repoCommit?: string;
  source: 'download' | 'stored';
  /** Said when the weights live only in memory for this session, and why. */
  notKept?: string;
}
const obtained = new Map<string, Obtained>();

let store: ModelStore | null | undefined;
const modelStore = (): ModelStore | null => (store === undefined ? (store = ModelStore.open()) : store);
const storeKey = (entry: ClipModelEntry) => ({ id: entry.id, revision: entry.weights.revision });

/** Verified weights from this window's store, or null (a stored file that fails is removed). */
async function storedWeights(entry: ClipModelEntry): Promise<WeightSet | null> {
  const kept = modelStore();
  const bytes = kept ? await kept.read(storeKey(entry)).catch(() => null) : null;
  if (!kept || !bytes) return null;
  try {
    return await clipWeightsFromBytes(entry, bytes, `the stored copy of ${entry.id}`);
  } catch (error) {
    console.warn(`[sketchify] the stored ${entry.id} weights failed their checks, downloading again: ${(error as Error).message}`);
    await kept.remove(storeKey(entry)).catch(() => undefined);
    return null;
  }
}

/** Keeps fresh weights where the window can; says why not otherwise. */
async function keep(entry: ClipModelEntry, weights: WeightSet): Promise<string | undefined> {
  const kept = modelStore();
  if (!kept) return `not kept after the panel closes: ${storeUnavailable()}`;
  try {
    await kept.write(storeKey(entry), weights, entry.source.url);
    return undefined;
  } catch (error) {
    const name = (error as Error).name;
    const why =
      name === 'QuotaExceededError'
        ? 'the browser’s storage for this site is full'
        : `the browser refused to store it (${(error as Error).message})`;
    return `not kept after the panel closes: ${why}`;
  }
}

/**
 * A CLIP model ready to sketch: from this window's store when it holds verified weights, else
 * downloaded, verified, compiled and kept where possible; a second call while one runs joins it.
 */
export async function downloadModel(id: string, onProgress: (done: number, total: number) => void): Promise<Obtained> {
  const entry = clipEntry(id);
  await models.getOrCreate(id, async () => {
    const stored = await storedWeights(entry);
    if (stored) {
      const model = await compileClip(entry, stored);
      keepForHandover(id, stored);
      obtained.set(id, { source: 'stored', repoCommit: stored.repoCommit });
      return model;
    }
    const controller = new AbortController();
    downloads.set(id, controller);
    const refused = watchRefusedConnections();
    try {
      const weights = await downloadClipWeights(entry, {
        context: 'plugin',
        signal: controller.signal,
        onProgress: (p) => onProgress(p.bytesDone, p.bytesTotal),
      });
      const model = await compileClip(entry, weights);
      keepForHandover(id, weights);
      const notKept = await keep(entry, weights);
      obtained.set(id, { source: 'download', repoCommit: weights.repoCommit, ...(notKept ? { notKept } : {}) });
      return model;
    } catch (error) {
      throw explainRefusal(error, refused);
    } finally {
      refused.stop();
      downloads.delete(id);
    }
  });
  return obtained.get(id) ?? { source: 'download', repoCommit: repoCommits.get(id) };
}

/** What this window keeps, or why it keeps nothing. */
export async function storedModels(): Promise<{ models: StoredModel[]; unavailable?: string }> {
  const kept = modelStore();
  if (!kept) return { models: [], unavailable: storeUnavailable() ?? 'no storage' };
  try {
    return { models: await kept.list() };
  } catch (error) {
    return { models: [], unavailable: `the browser refused access to its storage (${(error as Error).message})` };
  }
}

/** Removes every kept model (models already compiled stay usable until the panel closes). */
export async function removeStoredModels(): Promise<number> {
  return (await modelStore()?.clear()) ?? 0;
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
