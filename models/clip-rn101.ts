// CLIP RN101 (OpenAI), the loss network of the CLIPasso paper.
import { CLIP_RN101 } from '../src/engine/networks/clip-resnet.ts';
import { clipEntry, DIGEST_NOTE } from './clip-common.ts';

export const CLIP_RN101_ENTRY = clipEntry({
  id: 'clip-rn101',
  label: 'CLIP RN101 (paper loss, ~225 MB download)',
  architecture: 'clip_resnet',
  clip: { kind: 'resnet', config: CLIP_RN101 },
  // Not pinned: only the short SHAs c7338ce ("Add model", adds open_clip_model.safetensors) and
  // 57ca0a9 (main, later timm files) of this repository could be read, and a resolve URL needs
  // the full SHA. The commit that answers (X-Repo-Commit) is recorded with the weights.
  weights: { repo: 'timm/resnet101_clip.openai', revision: 'main', pinned: false, file: 'open_clip_model.safetensors' },
  provenance:
    'OpenAI CLIP RN101 weights (MIT), repackaged by timm/open_clip on Hugging Face as open_clip_model.safetensors (F32, 479 MB in all); only the 539 visual.* tensors (56.3 M parameters + BatchNorm statistics) are fetched with HTTP Range requests.',
  notes: `Taps layer1..layer4 ([B,256,56,56] .. [B,2048,7,7]) and the attention-pool embedding [B,512]. Defaults as CLIPasso: MSE on layer2 and layer3 at weight 1, 0.1 x (1 - cos) of the embeddings. Forward 19.0 GFLOP per image at 224 (9.5 G multiply-adds: CLIP's 3-conv stem, attention pooling and its convs before the average-pool downsampling cost more than torchvision's RN101 at 7.8 G); loss-and-gradient at B=5: 190 GFLOP. Revision: 'main' (unpinned) because the full commit SHA could not be verified offline; pin it before release. ${DIGEST_NOTE}`,
});
