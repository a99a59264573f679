// The models the UI offers. The embedded one ships inside ui.html; the CLIP models of the
// registry are fetched on first use (size shown before) or loaded from a file, and kept for
// the session by the engine worker.
import { isClipEntry } from '../../models/clip-common.ts';
import { MODEL_REGISTRY } from '../../models/registry.ts';

export interface UiModel {
  id: string;
  label: string;
  /** Download size in bytes; 0 for the embedded model. */
  downloadBytes: number;
  note: string;
  /** The checkpoint file to pick for "Load from file" (CLIP models). */
  file?: string;
  /** Where a CLIP model's weights come from: repository, revision and whether it is pinned. */
  weights?: { repo: string; revision: string; pinned: boolean };
}

const CLIP_NOTES: Record<string, string> = {
  'clip-rn101': "CLIP RN101, the paper's loss: the most abstract sketches, slowest.",
  'clip-rn50': 'CLIP RN50: CLIP-style abstraction at about half the cost of RN101.',
  'clip-vit-b32': 'CLIP ViT-B/32: semantic loss from a vision transformer.',
};

export const UI_MODELS: UiModel[] = [
  {
    id: 'embedded',
    label: 'Embedded (offline)',
    downloadBytes: 0,
    note: 'MobileNetV2 features: instant and offline. Not CLIP: faithful outlines, less abstraction.',
  },
  ...MODEL_REGISTRY.filter(isClipEntry).map((e) => ({
    id: e.id,
    // The registry's label carries its own size note; the UI shows the exact size.
    label: e.label.replace(/\s*\(.*\)\s*$/, ''),
    downloadBytes: e.source.downloadBytes,
    note: CLIP_NOTES[e.id] ?? e.label,
    file: e.weights.file,
    weights: { repo: e.weights.repo, revision: e.weights.revision, pinned: e.weights.pinned },
  })),
];

export function findUiModel(id: string): UiModel {
  return UI_MODELS.find((m) => m.id === id) ?? UI_MODELS[0];
}

export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}
