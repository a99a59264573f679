// The embedded default model: MobileNetV2 from the packed weight file that the build writes
// (build/models/embedded-mobilenetv2.bin, from nsfwjs; models/build-embedded.ts). The UI and
// CLI bundles import that file as bytes; tests read it with fs. Not CLIP: ImageNet features.
import { MOBILENET_V2_DEFAULT_TAPS, MOBILENET_V2_SIZE, mobileNetV2 } from '../networks/mobilenet-v2.ts';
import type { WeightOptions } from '../compiler/graph.ts';
import { unpackLayersModel } from '../networks/tfjs/pack.ts';
import { createOnnxLossModel, type OnnxLossModel, type OnnxLossModelOptions } from './onnx-loss-model.ts';
import type { LossWeights } from './types.ts';

export const EMBEDDED_MODEL_ID = 'embedded';

/**
 * The shipped configuration, chosen by experiment (models/embedded-mobilenetv2.ts,
 * `npx tsx bench/embedded-config.ts`, docs/evaluation.md): the network runs at 192 px inside
 * the graph (the canvas stays 224), the embedding is the pooled block_12_add, so the loss
 * graph ends at block 12, and each tap's feature vectors are unit-normalized over the channels
 * before the squared difference (LPIPS-style): raw activations weigh contrast, so large bright
 * areas outweighed thin structures and the strokes left the subject's lines.
 */
export const EMBEDDED_INPUT_SIZE = 192;
export const EMBEDDED_TAP_NORMALIZATION = 'unit' as const;
export const EMBEDDED_EMBEDDING_LAYER = 'block_12_add';

/**
 * Default loss weights. The engine normalizes each term to its weight at initialization
 * (src/engine/loss/weights.ts), so these are the terms' relative sizes at the start,
 * comparable across models. No semantic term by default: it measurably helped nothing here.
 */
export const EMBEDDED_DEFAULT_WEIGHTS: LossWeights = {
  geometric: { block_4_add: 1, block_12_add: 1 },
  semantic: 0,
};

export interface EmbeddedModelOptions extends OnnxLossModelOptions {
  /** Taps to compile (default block_4_add, block_12_add); weights of extra taps default to 0. */
  taps?: readonly string[];
  /** Initializer storage in the ONNX graphs; arithmetic is float32 either way. */
  storage?: WeightOptions['storage'];
  /** Side the network runs at inside the graph (default 192; the canvas stays 224). */
  inputSize?: number;
  /** Layer whose global average is the semantic embedding (default block_12_add). */
  embedding?: string;
  /** Semantic weight (before the engine's normalization). */
  semantic?: number;
  /** Channel normalization of the taps before the loss compares them (default 'unit'; mobilenet-v2.ts). */
  tapNormalization?: 'none' | 'unit';
}

/** A LossModel over the embedded MobileNetV2 weight file (uint8-quantized, dequantized to float32). */
export async function loadEmbeddedModel(weightBytes: Uint8Array, options: EmbeddedModelOptions): Promise<OnnxLossModel> {
  const {
    taps = MOBILENET_V2_DEFAULT_TAPS,
    storage,
    inputSize = EMBEDDED_INPUT_SIZE,
    embedding = EMBEDDED_EMBEDDING_LAYER,
    semantic = EMBEDDED_DEFAULT_WEIGHTS.semantic,
    tapNormalization = EMBEDDED_TAP_NORMALIZATION,
    ...runtime
  } = options;
  if (taps.length === 0) throw new Error('loadEmbeddedModel: at least one tap is needed');
  const { model } = unpackLayersModel(weightBytes);
  const geometric: Record<string, number> = {};
  for (const t of taps) geometric[t] = EMBEDDED_DEFAULT_WEIGHTS.geometric[t] ?? 0;
  if (Object.values(geometric).every((w) => w === 0)) geometric[taps[0]] = 1;
  return createOnnxLossModel(
    {
      id: EMBEDDED_MODEL_ID,
      size: MOBILENET_V2_SIZE,
      architecture: mobileNetV2(model, { taps, storage, inputSize, embedding, tapNormalization }),
      defaultWeights: { geometric, semantic },
    },
    runtime,
  );
}
