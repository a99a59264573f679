// From a CLIP registry entry to a compiled LossModel, for every front end: the weights come
// from a ranged download (verified as they arrive) or from bytes already at hand (a file the
// user picked, the CLI's cache file), are checked the same way (names, shapes, dtypes,
// SHA-256 where the entry knows one), then compiled over the architecture. The CLI adds its
// disk cache around this (src/cli/model-cache.ts), the plugin UI its memory cache.
import { createOnnxLossModel, type OnnxLossModel, type OnnxLossModelOptions } from './onnx-loss-model.ts';
import { clipModelSpec, clipWeightSpec, type ClipArch } from '../networks/clip-specs.ts';
import { downloadWeights, type DownloadContext, type DownloadProgress, type FetchLike } from '../weights/download.ts';
import { loadWeightsFromBytes } from '../weights/load.ts';
import type { WeightSet } from '../weights/weight-set.ts';

/** What the engine needs of a registry entry (models/clip-common.ts ClipModelEntry fits). */
export interface ClipSource {
  id: string;
  clip: ClipArch;
  source: { url: string; sha256?: string };
}

export interface ClipDownloadOptions {
  /** Who downloads: the advice on a failed connection speaks of that front end. */
  context: DownloadContext;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  fetch?: FetchLike;
  /** Overrides the entry's URL (a mirror; the CLI's tests). */
  url?: string;
}

/** Downloads and verifies the tensors the entry's architecture reads. */
export function downloadClipWeights(entry: ClipSource, o: ClipDownloadOptions): Promise<WeightSet> {
  const { url, ...rest } = o;
  return downloadWeights({ ...rest, url: url ?? entry.source.url, spec: clipWeightSpec(entry.clip), sha256: entry.source.sha256 });
}

/** Verifies a safetensors file at hand (the original checkpoint or a cache file) for the entry. */
export function clipWeightsFromBytes(entry: ClipSource, bytes: Uint8Array, source: string): Promise<WeightSet> {
  return loadWeightsFromBytes(bytes, clipWeightSpec(entry.clip), { sha256: entry.source.sha256, source });
}

export interface ClipCompileOptions extends Pick<OnnxLossModelOptions, 'ort' | 'sessionOptions' | 'runtimeName' | 'webgpuOrt'> {
  storage?: 'float32' | 'float16';
}

/** The entry's architecture over verified weights, compiled into a LossModel. */
export function clipLossModel(entry: ClipSource, weights: WeightSet, o: ClipCompileOptions): Promise<OnnxLossModel> {
  const { storage, ...runtime } = o;
  return createOnnxLossModel(clipModelSpec(entry.id, entry.clip, weights, { storage }), runtime);
}
