// Every model Sketchify can use: where its weights come from, under which licence, and how
// their integrity is checked. One file per model beside this one; this file collects them.
import { CLIP_RN50_ENTRY } from './clip-rn50.ts';
import { CLIP_RN101_ENTRY } from './clip-rn101.ts';
import { CLIP_VIT_B32_ENTRY } from './clip-vit-b32.ts';
import { EMBEDDED_MOBILENETV2_ENTRY } from './embedded-mobilenetv2.ts';
import type { ModelEntry } from './types.ts';

export const MODEL_REGISTRY: ModelEntry[] = [];
MODEL_REGISTRY.push(EMBEDDED_MOBILENETV2_ENTRY, CLIP_RN50_ENTRY, CLIP_RN101_ENTRY, CLIP_VIT_B32_ENTRY);

export function findModel(id: string): ModelEntry {
  const entry = MODEL_REGISTRY.find((m) => m.id === id);
  if (!entry) {
    throw new Error(`Unknown model '${id}'. Available: ${MODEL_REGISTRY.map((m) => m.id).join(', ') || 'none'}`);
  }
  return entry;
}
