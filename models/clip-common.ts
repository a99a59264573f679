// What the three CLIP entries share: their extra fields (architecture config, the Hugging Face
// source and whether its revision is pinned). The hosts a download touches are granted in
// manifest.json (networkAccess.allowedDomains): huggingface.co answers /resolve/ with a redirect
// to a file host under hf.co (CDN or Xet); a browser follows it, so each hop must be allowed.
import { clipDownloadBytes, huggingFaceUrl, type ClipArch, type ClipWeightsSource } from '../src/engine/networks/clip-specs.ts';
import type { ModelEntry } from './types.ts';

export interface ClipModelEntry extends ModelEntry {
  architecture: 'clip_resnet' | 'clip_vit';
  clip: ClipArch;
  weights: ClipWeightsSource;
}

export function isClipEntry(entry: ModelEntry): entry is ClipModelEntry {
  return (entry.architecture === 'clip_resnet' || entry.architecture === 'clip_vit') && 'clip' in entry && 'weights' in entry;
}

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
