// The embedded default model: MobileNetV2 backbone from nsfwjs, shipped inside the bundles.
import type { ModelEntry } from './registry.ts';

/** Size of build/models/embedded-mobilenetv2.bin as built from nsfwjs 4.3.0 (checked by test/mobilenet-units.test.ts). */
export const EMBEDDED_FILE_BYTES = 2_335_621;

export const EMBEDDED_MOBILENETV2_ENTRY: ModelEntry = {
  id: 'embedded',
  label: 'Embedded MobileNetV2 (offline)',
  architecture: 'mobilenet_v2',
  licence: 'MIT (nsfwjs; ImageNet-initialized MobileNetV2 weights fine-tuned by nsfwjs)',
  provenance:
    'npm package nsfwjs (MIT, Infinite Red), dist/models/mobilenet_v2: a Keras 2.2.4 MobileNetV2 (width 1.0, 224x224x3, input x/255 in [0,1]) ' +
    'ImageNet-initialized and fine-tuned for NSFW classification, stored by TF.js as uint8 with per-tensor min/scale. ' +
    'models/build-embedded.ts reads the installed package at build time (model.min.js and group1-shard1of1.min.js parsed as text, never executed) ' +
    'and packs the 155 layers up to out_relu with their 260 weight tensors byte for byte (still uint8; the NSFW head is dropped) into ' +
    'build/models/embedded-mobilenetv2.bin: 2.23 MiB (12-byte prefix + JSON topology/manifest + weight bytes). Nothing is downloaded or committed.',
  source: { url: 'embedded', downloadBytes: 0 },
  notes: [
    'This is NOT CLIP: ImageNet/NSFW features, no language alignment; its "semantic" embedding is the 1280-d global average of out_relu.',
    'Taps: block_5_add (28x28x32) and block_12_add (14x14x96), weight 1:1. CLIPasso uses two mid-level stages of RN101 (layer2 28², layer3 14²); these',
    'are the MobileNetV2 residual outputs at the same resolutions. The prototype (DESIGN.md §10, 16 strokes, 150 iterations) found this pair',
    'better than block_2_add + block_5_add (symmetric Chamfer 9.3 vs 10.8 px, longer strokes). Other taps (block_2/4/7/8/9/11/14/15_add) can be',
    'compiled via loadEmbeddedModel({ taps }).',
    'Semantic weight 0.1, meant after normalization: the engine scales each term so it equals its weight at initialization',
    '(src/engine/loss/weights.ts), so 0.1 is CLIPasso\'s ratio (geometric 1 + 1, semantic 0.1) in model-independent units. Raw, the',
    'semantic term is ~0.04 against a feature loss of 60-100 (prototype), which is why raw weights cannot be shared between models.',
    'The prototype saw no gain from a much larger semantic weight (raw 30 drew messier strokes), and this embedding is not language-aligned,',
    'so it stays a light regularizer. The choice rests on the prototype findings; it was not re-tuned with the product\'s engine.',
    'Saliency: per 7x7 cell, the projection of the out_relu feature vector onto the pooled embedding (sum_c f_c(p) e_c), a class-activation',
    'map with the embedding as class weights, bilinearly upsampled and min-max normalized; it combines with XDoG edges in the initialization.',
    'Precision: weights dequantized to float32 (folded BatchNorm), float32 arithmetic; equals TF.js on nsfwjs\'s own model within 2e-6 of',
    'each tap\'s range (test/mobilenet-tfjs.test.ts).',
  ].join(' '),
};
