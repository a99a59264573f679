// What a model entry says: where its weights come from, under which licence, and how their
// integrity is checked. The entries (one file per model) and registry.ts, which collects them,
// both depend on these types.
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
