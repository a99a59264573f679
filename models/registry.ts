// Every model Sketchify can use: where its weights come from, under which licence, and how
// their integrity is checked. One file per model beside this one; this file collects them.
import { CLIP_RN50_ENTRY } from './clip-rn50.ts';
import { CLIP_RN101_ENTRY } from './clip-rn101.ts';
import { CLIP_VIT_B32_ENTRY } from './clip-vit-b32.ts';
import { EMBEDDED_MOBILENETV2_ENTRY } from './embedded-mobilenetv2.ts';

export type Architecture = 'mobilenet_v2' | 'clip_resnet' | 'clip_vit';

export interface ModelSource {
  /** Pinned URL (repository revision in the path), or 'embedded' for weights in the bundle. */
  url: string;
  /** Bytes on the wire for the tensors we read. */
  downloadBytes: number;
  /** Hex SHA-256 of what is downloaded, where known. */
  sha256?: string;
}

export interface ModelEntry {
  id: string;
  label: string;
  architecture: Architecture;
  licence: string;
  /** Where the weights come from (package or repository) and why they are fit to ship. */
  provenance: string;
  source: ModelSource;
  /** Notes on taps, loss weights and their reasoning. */
  notes: string;
}

export const MODEL_REGISTRY: ModelEntry[] = [];
MODEL_REGISTRY.push(EMBEDDED_MOBILENETV2_ENTRY, CLIP_RN50_ENTRY, CLIP_RN101_ENTRY, CLIP_VIT_B32_ENTRY);

export function findModel(id: string): ModelEntry {
  const entry = MODEL_REGISTRY.find((m) => m.id === id);
  if (!entry) {
    throw new Error(`Unknown model '${id}'. Available: ${MODEL_REGISTRY.map((m) => m.id).join(', ') || 'none'}`);
  }
  return entry;
}
