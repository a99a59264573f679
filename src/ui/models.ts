// The models the UI offers. The embedded one ships inside ui.html; CLIP models are fetched on
// first use (size shown before) or loaded from a file, and kept for the session.

export interface UiModel {
  id: string;
  label: string;
  /** Download size in bytes; 0 for the embedded model. */
  downloadBytes: number;
  note: string;
}

export const UI_MODELS: UiModel[] = [
  { id: 'embedded', label: 'Embedded (offline)', downloadBytes: 0, note: 'MobileNetV2 features: instant and offline. Not CLIP: faithful outlines, less abstraction.' },
];

export function findUiModel(id: string): UiModel {
  return UI_MODELS.find((m) => m.id === id) ?? UI_MODELS[0];
}

export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}
