// MobileNetV2 (Keras layout, as shipped by nsfwjs) as a perceptual Architecture. Input is RGB
// in [0, 1] exactly as nsfwjs feeds it (x / 255, no mean/std). Taps are Keras layer names
// (NCHW); the embedding is the global average of `out_relu` (1280-d, the tensor nsfwjs's
// head pools) or of an earlier layer; the NSFW head itself is never built.
import { unitNormalize } from '../compiler/composite.ts';
import type { Tensor, WeightOptions } from '../compiler/graph.ts';
import type { Architecture } from './loss-graph.ts';
import { mul } from '../compiler/ops/elementwise.ts';
import { globalAveragePool } from '../compiler/ops/linear.ts';
import { reduceSum } from '../compiler/ops/reduce.ts';
import { reshape } from '../compiler/ops/shape.ts';
import { downsampleLinear } from '../compiler/resample.ts';
import { emitKerasModel } from './tfjs/graph.ts';
import type { LayersModel } from './tfjs/layers.ts';

export const MOBILENET_V2_SIZE = 224;
export const MOBILENET_V2_EMBEDDING = 'out_relu';

/** Residual outputs by resolution at 224 input: 56² (24 ch), 28² (32), 14² (64, 96), 7² (160). */
export const MOBILENET_V2_TAPS = [
  'block_2_add',
  'block_4_add',
  'block_5_add',
  'block_7_add',
  'block_8_add',
  'block_9_add',
  'block_11_add',
  'block_12_add',
  'block_14_add',
  'block_15_add',
] as const;

/** The geometric taps used by default (chosen by experiment: models/embedded-mobilenetv2.ts). */
export const MOBILENET_V2_DEFAULT_TAPS = ['block_4_add', 'block_12_add'] as const;

export interface MobileNetV2Options {
  /** Keras layer names to expose as taps (any layer the emitter keeps; BN-folded convs excluded). */
  taps?: readonly string[];
  storage?: WeightOptions['storage'];
  /**
   * Side the network runs at: larger inputs are downsampled inside the graph first
   * (antialiased, src/engine/compiler/resample.ts). Default: the input's own side.
   */
  inputSize?: number;
  /**
   * Layer whose global average is the embedding (default out_relu). An earlier layer lets the
   * loss graph stop there: everything after the last tap and the embedding is pruned.
   */
  embedding?: string;
  /**
   * 'unit': every tap's feature vector at each position is scaled to unit length over the
   * channels (composite.ts unitNormalize) before the loss compares it. Default 'none'.
   */
  tapNormalization?: 'none' | 'unit';
}

/**
 * The Architecture over a MobileNetV2 read from TF.js weights. Saliency: per location, the
 * projection of the `out_relu` feature vector onto its global average, sum_c f_c(p) m_c
 * (7x7 at 224, 5x5 at 160): how much each cell contributes to the global descriptor, like a
 * class activation map with the descriptor itself as the class weights (no classifier needed).
 */
export function mobileNetV2(model: LayersModel, o: MobileNetV2Options = {}): Architecture {
  const taps = [...(o.taps ?? MOBILENET_V2_DEFAULT_TAPS)];
  const embeddingLayer = o.embedding ?? MOBILENET_V2_EMBEDDING;
  return (g, input: Tensor) => {
    const [batch, channels, h, w] = input.shape;
    if (channels !== 3 || h !== w) throw new Error(`MobileNetV2: expects [B, 3, S, S] RGB images, got ${input}`);
    const images = o.inputSize === undefined ? input : downsampleLinear(input, o.inputSize);
    const outputs = [...new Set([...taps, embeddingLayer, MOBILENET_V2_EMBEDDING])];
    const out = emitKerasModel(g, model, images, { outputs, storage: o.storage });
    const pooled = (f: Tensor): Tensor => reshape(globalAveragePool(f), [batch, f.shape[1]]);
    // Saliency always from out_relu: the forward graph computes it once per image; the loss
    // graph never uses it, so it does not keep the layers after the embedding alive.
    const features = out[MOBILENET_V2_EMBEDDING];
    const global = pooled(features);
    const saliency = reduceSum(mul(features, reshape(global, [batch, features.shape[1], 1, 1])), [1]);
    const embedding = embeddingLayer === MOBILENET_V2_EMBEDDING ? global : pooled(out[embeddingLayer]);
    const tap = (t: string): Tensor => (o.tapNormalization === 'unit' ? unitNormalize(out[t], 1) : out[t]);
    return { taps: Object.fromEntries(taps.map((t) => [t, tap(t)])), embedding, saliency };
  };
}
