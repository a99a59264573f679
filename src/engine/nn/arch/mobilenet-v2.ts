// MobileNetV2 (Keras layout, as shipped by nsfwjs) as a perceptual Architecture. Input is RGB
// in [0, 1] exactly as nsfwjs feeds it (x / 255, no mean/std). Taps are Keras layer names
// (NCHW); the embedding is the global average of `out_relu` (1280-d, the tensor nsfwjs's
// head pools); the NSFW head itself is never built.
import type { Tensor, WeightOptions } from '../graph.ts';
import type { Architecture } from '../loss.ts';
import { mul } from '../ops/elementwise.ts';
import { globalAveragePool } from '../ops/linear.ts';
import { reduceSum } from '../ops/reduce.ts';
import { reshape } from '../ops/shape.ts';
import { emitKerasModel } from '../tfjs-graph.ts';
import type { LayersModel } from '../tfjs-layers.ts';

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

/** The geometric taps used by default (DESIGN.md §10; models/embedded-mobilenetv2.ts). */
export const MOBILENET_V2_DEFAULT_TAPS = ['block_5_add', 'block_12_add'] as const;

export interface MobileNetV2Options {
  /** Keras layer names to expose as taps (any layer the emitter keeps; BN-folded convs excluded). */
  taps?: readonly string[];
  storage?: WeightOptions['storage'];
}

/**
 * The Architecture over a MobileNetV2 read from TF.js weights. Saliency: per location, the
 * projection of the `out_relu` feature vector onto the pooled embedding, sum_c f_c(p) e_c
 * (7x7 at 224): how much each cell contributes to the global descriptor, like a class
 * activation map with the embedding itself as the class weights (no classifier needed).
 */
export function mobileNetV2(model: LayersModel, o: MobileNetV2Options = {}): Architecture {
  const taps = [...(o.taps ?? MOBILENET_V2_DEFAULT_TAPS)];
  if (taps.includes(MOBILENET_V2_EMBEDDING)) throw new Error(`'${MOBILENET_V2_EMBEDDING}' is the embedding, not a tap`);
  return (g, images: Tensor) => {
    const [batch, channels, h, w] = images.shape;
    if (channels !== 3 || h !== w) throw new Error(`MobileNetV2: expects [B, 3, S, S] RGB images, got ${images}`);
    const out = emitKerasModel(g, model, images, { outputs: [...taps, MOBILENET_V2_EMBEDDING], storage: o.storage });
    const features = out[MOBILENET_V2_EMBEDDING];
    const dim = features.shape[1];
    const embedding = reshape(globalAveragePool(features), [batch, dim]);
    const saliency = reduceSum(mul(features, reshape(embedding, [batch, dim, 1, 1])), [1]);
    return { taps: Object.fromEntries(taps.map((t) => [t, out[t]])), embedding, saliency };
  };
}
