// CLIP RN50 (OpenAI): the cheaper ResNet loss network.
import { CLIP_RN50 } from '../src/engine/networks/clip-resnet.ts';
import { clipEntry, DIGEST_NOTE } from './clip-common.ts';

export const CLIP_RN50_ENTRY = clipEntry({
  id: 'clip-rn50',
  label: 'CLIP RN50 (~153 MB download)',
  architecture: 'clip_resnet',
  clip: { kind: 'resnet', config: CLIP_RN50 },
  // Commit "Add model" 00fd562..., whose tree lists open_clip_model.safetensors (408 MB).
  weights: {
    repo: 'timm/resnet50_clip.openai',
    revision: '00fd56258d8020fda2c9a8b683cf883d477ad3eb',
    pinned: true,
    file: 'open_clip_model.safetensors',
  },
  provenance:
    'OpenAI CLIP RN50 weights (MIT), repackaged by timm/open_clip on Hugging Face as open_clip_model.safetensors (F32, 408 MB in all); only the 284 visual.* tensors (38.3 M parameters + BatchNorm statistics) are fetched with HTTP Range requests.',
  notes: `Taps layer1..layer4 and the attention-pool embedding [B,1024]. Same loss defaults as clip-rn101 (layer2 + layer3, semantic 0.1). Forward 11.6 GFLOP per image at 224; loss-and-gradient at B=5: 116 GFLOP. ${DIGEST_NOTE}`,
});
