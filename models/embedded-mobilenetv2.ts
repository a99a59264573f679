// The embedded default model: MobileNetV2 backbone from nsfwjs, shipped inside the bundles.
import type { ModelEntry } from './types.ts';

/** Size of build/models/embedded-mobilenetv2.bin as built from nsfwjs 4.3.0 (checked by test/engine/networks/mobilenet-units.test.ts). */
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
  notes:
    'Not CLIP: ImageNet/NSFW features, no language alignment. Shipped configuration (src/engine/models/embedded-mobilenet-v2.ts): the 224 canvas ' +
    'downsampled to 192 px inside the graph, taps block_4_add and block_12_add at weight 1:1, each unit-normalized over its channels, semantic ' +
    'weight 0 (the loss graph stops after block 12). How it was chosen, with the measurements: docs/models.md.',
};
