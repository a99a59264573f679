// Node side of the downloadable models: the cache directory ($XDG_CACHE_HOME/sketchify or
// ~/.cache/sketchify), weights fetched once and re-verified on every load, and the one call
// the CLI makes to get a LossModel for a registry id.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  type OnnxLossModel,
  type OnnxLossModelOptions,
  type OrtModule,
  clipLossModel,
  clipWeightsFromBytes,
  downloadClipWeights,
  type DownloadProgress,
  type FetchLike,
  type WeightSet,
} from '../engine/index.ts';
import { fetchKeepingRepoCommit } from './fetch-keeping-repo-commit.ts';
import { isClipEntry, type ClipModelEntry } from '../../models/clip-common.ts';
import { findModel } from '../../models/registry.ts';

export function modelCacheDir(env: Record<string, string | undefined> = process.env, home: string = homedir()): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(home, '.cache');
  return join(base, 'sketchify');
}

/**
 * One file per model and revision: a safetensors file holding only the tensors we read (its
 * metadata keeps the commit that answered, which matters for an unpinned revision).
 */
export const cachedWeightsPath = (dir: string, entry: ClipModelEntry): string =>
  join(dir, 'models', `${entry.id}@${entry.weights.revision}.safetensors`);

export interface CachedWeightsOptions {
  cacheDir?: string;
  onProgress?: (p: DownloadProgress) => void;
  /** Called with a reason when a cached file is unusable and is fetched again. */
  onCacheMiss?: (reason: string) => void;
  signal?: AbortSignal;
  fetch?: FetchLike;
  /** Overrides the registry URL (tests, mirrors). */
  url?: string;
}

/** Verified weights of a CLIP entry: from the cache when it checks out, else downloaded and cached. */
export async function loadCachedWeights(entry: ClipModelEntry, o: CachedWeightsOptions = {}): Promise<WeightSet> {
  const path = cachedWeightsPath(o.cacheDir ?? modelCacheDir(), entry);
  let bytes: Uint8Array | null = null;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch {
    o.onCacheMiss?.(`no cached weights at ${path}`);
  }
  if (bytes) {
    try {
      return await clipWeightsFromBytes(entry, bytes, path);
    } catch (error) {
      o.onCacheMiss?.(`cached weights rejected, downloading again: ${(error as Error).message}`);
      await rm(path, { force: true });
    }
  }
  const weights = await downloadClipWeights(entry, { ...o, context: 'cli', fetch: o.fetch ?? fetchKeepingRepoCommit });
  await mkdir(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.partial`;
  await writeFile(tmp, weights.header({ model: entry.id, url: entry.source.url }));
  await writeFile(tmp, weights.payload, { flag: 'a' });
  await rename(tmp, path); // atomic: a crash never leaves a half-written cache file
  return weights;
}

export interface LoadModelOptions extends CachedWeightsOptions {
  ort: OrtModule;
  /** Session options of the LossModel (execution providers). */
  sessionOptions?: OnnxLossModelOptions['sessionOptions'];
  storage?: 'float32' | 'float16';
}

/** A compiled LossModel for a downloadable registry id ('clip-rn101', 'clip-rn50', 'clip-vit-b32'). */
export async function loadRegistryLossModel(id: string, o: LoadModelOptions): Promise<OnnxLossModel> {
  const entry = findModel(id);
  if (!isClipEntry(entry)) throw new Error(`Model '${id}' is not a downloadable CLIP model`);
  const weights = await loadCachedWeights(entry, o);
  return clipLossModel(entry, weights, { ort: o.ort, sessionOptions: o.sessionOptions, storage: o.storage });
}
