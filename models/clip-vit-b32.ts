// CLIP ViT-B/32 (OpenAI): the saliency map of CLIPasso's initialization, and a loss network.
import { CLIP_VIT_B32 } from '../src/engine/networks/clip-vit.ts';
import { clipEntry, DIGEST_NOTE } from './clip-common.ts';

export const CLIP_VIT_B32_ENTRY = clipEntry({
  id: 'clip-vit-b32',
  label: 'CLIP ViT-B/32 (saliency, ~351 MB download)',
  architecture: 'clip_vit',
  clip: { kind: 'vit', config: CLIP_VIT_B32, taps: [4, 8] },
  // timm's open_clip repackaging, so that the three CLIP models share one key layout
  // (visual.*). openai/clip-vit-base-patch32 was dropped: its commit 3d74acf9... serves
  // pytorch_model.bin only (model.safetensors appears first in the conversion commit c237dc49...).
  weights: {
    repo: 'timm/vit_base_patch32_clip_224.openai',
    revision: 'ab5b8ef490e86faa07d3523926b842c765de1de5',
    pinned: true,
    file: 'open_clip_model.safetensors',
  },
  provenance:
    'OpenAI CLIP ViT-B/32 weights (MIT), repackaged by timm/open_clip on Hugging Face as open_clip_model.safetensors (F32, 605 MB in all); only the 152 visual.* tensors (87.8 M parameters) are fetched with HTTP Range requests.',
  notes: `Outputs: saliency [B,7,7] = attention of the class token to each patch, mean over 12 heads and 12 layers (sums to 1 minus the mean class->class weight); taps block4, block8 ([B,50,768] residual stream); embedding [B,512] (post-LN class token, projected). Forward 8.8 GFLOP per image at 224 (4.4 G multiply-adds); loss-and-gradient at B=5: 89 GFLOP. ${DIGEST_NOTE}`,
});
