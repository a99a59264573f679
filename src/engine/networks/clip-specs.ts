// From a CLIP registry description to what the engine runs: the tensors to fetch (WeightSpec),
// the pinned download URL, and the LossModel spec (architecture over the weights, default
// loss weights). Shared by the CLI (disk cache) and the plugin UI (memory cache, file picker).
import { clipResNet, clipResNetSpec, type ClipArchOptions, type ClipResNetConfig, type WeightSource } from './clip-resnet.ts';
import { clipVit, clipVitSpec, type ClipVitConfig } from './clip-vit.ts';
import type { OnnxModelSpec } from '../models/onnx-loss-model.ts';
import type { WeightSpec } from '../weights/weight-set.ts';

export type ClipArch = { kind: 'resnet'; config: ClipResNetConfig } | { kind: 'vit'; config: ClipVitConfig; taps?: readonly number[] };

export interface ClipWeightsSource {
  /** Hugging Face repository, e.g. 'timm/resnet101_clip.openai'. */
  repo: string;
  /** Full commit SHA where known; a branch ('main') where none could be verified. */
  revision: string;
  /**
   * True when `revision` is a full commit SHA (the file cannot change under it); false for a
   * branch, whose files may change: the commit that answered is recorded with the weights.
   */
  pinned: boolean;
  file: string;
}

export const huggingFaceUrl = (s: ClipWeightsSource): string => `https://huggingface.co/${s.repo}/resolve/${s.revision}/${s.file}`;

export function clipWeightSpec(arch: ClipArch): WeightSpec {
  return arch.kind === 'resnet' ? clipResNetSpec(arch.config) : clipVitSpec(arch.config);
}

/** Bytes of the tensors read, at 4 bytes per value (the published files are F32). */
export function clipDownloadBytes(arch: ClipArch): number {
  return [...clipWeightSpec(arch).tensors.values()].reduce((s, shape) => s + 4 * shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * The LossModel spec of a CLIP tower over loaded weights. Defaults follow CLIPasso for the
 * ResNet (layer2 + layer3 at weight 1, embedding 0.1); the ViT uses its block taps alike.
 */
export function clipModelSpec(id: string, arch: ClipArch, weights: WeightSource, options: ClipArchOptions = {}): OnnxModelSpec {
  if (arch.kind === 'resnet') {
    return {
      id,
      size: arch.config.imageSize,
      architecture: clipResNet(arch.config, weights, options),
      defaultWeights: { geometric: { layer1: 0, layer2: 1, layer3: 1, layer4: 0 }, semantic: 0.1 },
    };
  }
  const taps = arch.taps ?? [4, 8];
  return {
    id,
    size: arch.config.imageSize,
    architecture: clipVit(arch.config, weights, { ...options, taps }),
    defaultWeights: { geometric: Object.fromEntries(taps.map((t) => [`block${t}`, 1])), semantic: 0.1 },
  };
}
