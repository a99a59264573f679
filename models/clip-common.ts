// What the three CLIP entries share: their extra fields (architecture config, pinned source)
// and the hosts a download touches, for the manifest's networkAccess.allowedDomains.
import { clipDownloadBytes, huggingFaceUrl, type ClipArch, type ClipWeightsSource } from '../src/engine/weights/clip-models.ts';
import type { ModelEntry } from './types.ts';

export interface ClipModelEntry extends ModelEntry {
  architecture: 'clip_resnet' | 'clip_vit';
  clip: ClipArch;
  weights: ClipWeightsSource;
}

export function isClipEntry(entry: ModelEntry): entry is ClipModelEntry {
  return (entry.architecture === 'clip_resnet' || entry.architecture === 'clip_vit') && 'clip' in entry && 'weights' in entry;
}

/**
 * huggingface.co answers /resolve/ with a redirect to its file CDN: the legacy LFS hosts or,
 * for Xet-backed repositories (all three are, as of the Hub pages we could read), the Xet
 * bridge. Browser fetches follow the redirect, so every hop must be allowed (and answer CORS).
 */
export const HUGGING_FACE_DOWNLOAD_HOSTS = [
  'https://huggingface.co',
  'https://cdn-lfs.huggingface.co',
  'https://cdn-lfs-us-1.huggingface.co',
  'https://cdn-lfs.hf.co',
  'https://cas-bridge.xethub.hf.co',
] as const;

export function clipEntry(e: Omit<ClipModelEntry, 'source' | 'licence'> & { sha256?: string }): ClipModelEntry {
  const { sha256, ...rest } = e;
  return {
    ...rest,
    licence: 'MIT (OpenAI CLIP weights)',
    source: { url: huggingFaceUrl(e.weights), downloadBytes: clipDownloadBytes(e.clip), ...(sha256 ? { sha256 } : {}) },
  };
}

export const DIGEST_NOTE =
  'Integrity: pinned revision in the URL, exact tensor names/shapes/dtypes, and SHA-256 of the selected tensor bytes in file order when `source.sha256` is set (enforced). No model hub is reachable from the development machines, so that digest is not known yet: compute it once on a machine with internet (download, then WeightSet.sha256) and add it here.';
