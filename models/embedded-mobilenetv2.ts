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
    'This is NOT CLIP: ImageNet/NSFW features, no language alignment.',
    'Shipped configuration (src/engine/model/embedded-mobilenet-v2.ts): the 224 canvas is downsampled to 160 px inside the graph (antialiased',
    'triangle filter as strided Convs, src/engine/nn/resample.ts), taps block_4_add (20x20x32) and block_12_add (10x10x96) at weight 1:1, the',
    'embedding is the pooled block_12_add and the semantic weight is 0, so the loss graph stops after block 12. Loss-and-gradient at B=5:',
    '2.23 GFLOP, 141 ms median in onnxruntime-web wasm on one thread, against 6.07 GFLOP and 363 ms for the full network at 224 in the same run',
    '(`npm run bench -- model`; onnxruntime-node 1 thread: 57 ms).',
    'How it was chosen (`npm run bench -- embedded-config`, all six bundled photos, 16 strokes, draft preset, seed 0): every final sketch is judged',
    'by the FULL network at 224 (raw block_5_add + block_12_add MSE relative to the initial strokes: lower is better; semantic 1 - cos of the',
    'out_relu embeddings) and by the symmetric Chamfer distance to the photo\'s XDoG edges. Means over the six photos:',
    'full@224 taps 5+12 semantic 0.1 (the previous default, DESIGN.md §10 prototype): 157 ms/iteration, perceptual 0.755, semantic 0.331, Chamfer 5.33 px;',
    'full@160 same taps and semantic: 89 ms, 0.787, 0.359, 5.32 px; to-block12@160 taps 5+12 semantic 0: 66 ms, 0.786, 0.361, 5.34 px;',
    'the same with semantic 0.1 on the pooled block_12_add: 67 ms, 0.801, 0.389, 6.02 px (worse); taps 2+5+12: 65 ms, 0.739, 0.391, 5.58 px;',
    'to-block12@192 taps 5+12: 87 ms, 0.753, 0.378, 5.16 px; shipped to-block12@160 taps 4+12: 63 ms, 0.776, 0.384, 4.61 px.',
    'Reading: running at 160 costs ~4 % on the full network\'s own perceptual yardstick at equal iterations and nothing on Chamfer, for 2.5x less',
    'time per iteration (so 2.5x the iterations in the same time). The semantic term (out_relu, 0.1) bought nothing measurable at 160',
    '(semantic distance 0.359 with it, 0.361 without) while keeping blocks 13-16 alive in the graph (+35 % time), so it is off by default;',
    'callers may still set a semantic weight (it then uses the pooled block_12_add). Among the cheap configurations taps 4+12 had the best',
    'Chamfer (better than 5+12 on 5 of 6 photos) at a small perceptual cost; 2+5+12 the best perceptual ratio but worse Chamfer. One seed per',
    'photo: differences of a few percent are within noise; the 2.5x speed is not.',
    'Weights (engine normalization): each term is scaled to its weight at initialization (src/engine/loss/weights.ts), so 1:1 means equal',
    'shares at the start, comparable across models.',
    'Saliency (initialization only, forward graph): per 5x5 cell at 160, the projection of the out_relu feature vector onto its global',
    'average (sum_c f_c(p) m_c), a class-activation map with the descriptor as class weights, bilinearly upsampled and min-max normalized;',
    'it combines with XDoG edges in the initialization.',
    'Precision: weights dequantized to float32 (folded BatchNorm), float32 arithmetic; the network equals TF.js on nsfwjs\'s own model within 2e-6',
    'of each tap\'s range at 224 (test/mobilenet-tfjs.test.ts); the resampling equals its direct form (test/nn-resample.test.ts).',
  ].join(' '),
};
