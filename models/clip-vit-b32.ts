// CLIP ViT-B/32 (OpenAI): the saliency map of CLIPasso's initialization, and a loss network.
import { CLIP_VIT_B32 } from '../src/engine/nn/arch/clip-vit.ts';
import { clipEntry, DIGEST_NOTE } from './clip-common.ts';

export const CLIP_VIT_B32_ENTRY = clipEntry({
  id: 'clip-vit-b32',
  label: 'CLIP ViT-B/32 (saliency, ~351 MB download)',
  architecture: 'clip_vit',
  clip: { kind: 'vit', config: CLIP_VIT_B32, taps: [4, 8] },
  // 3d74acf9... is the snapshot commit that transformers caches of this repository record;
  // that model.safetensors exists at it could not be checked offline (a 404 would say so).
  weights: { repo: 'openai/clip-vit-base-patch32', revision: '3d74acf9a28c67741b2f4f2ea7635f0aaf6f0268', file: 'model.safetensors' },
  provenance:
    'OpenAI CLIP ViT-B/32 weights (MIT) in Hugging Face transformers format, model.safetensors (F32, 605 MB in all); only vision_model.* and visual_projection.weight (200 tensors, 87.8 M parameters) are fetched with HTTP Range requests.',
  notes: `Outputs: saliency [B,7,7] = attention of the class token to each patch, mean over 12 heads and 12 layers (sums to 1 minus the mean class->class weight); taps block4, block8 ([B,50,768] residual stream); embedding [B,512] (post-LN class token, projected). Forward 8.8 GFLOP per image at 224 (4.4 G multiply-adds); loss-and-gradient at B=5: 89 GFLOP. ${DIGEST_NOTE}`,
});
