// LossModels for the CLI: the embedded MobileNetV2 read from build/models (beside the script:
// dist/cli.js or src/cli/*.ts under tsx), CLIP models from the registry through the model
// cache (model-cache.ts). All run on onnxruntime-web's wasm backend, one thread, as in the
// plugin. onnxruntime-node loads here and runs the forward ~5x faster, but its loss-and-gradient
// graphs measured slower (embedded model, B=4: 1.5 s vs 0.46 s in wasm), and those dominate.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { EMBEDDED_MODEL_ID, loadEmbeddedModel } from '../engine/model/embedded-mobilenet-v2.ts';
import type { LossModel } from '../engine/model/types.ts';
import { loadRegistryLossModel } from './model-cache.ts';

const EMBEDDED_FILE = 'build/models/embedded-mobilenetv2.bin';

/** dist/cli.js and src/cli/models.ts sit one and two levels below the project root. */
export function embeddedModelCandidates(moduleUrl: string = import.meta.url): string[] {
  return ['../', '../../'].map((up) => fileURLToPath(new URL(up + EMBEDDED_FILE, moduleUrl)));
}

export async function readEmbeddedWeights(candidates = embeddedModelCandidates()): Promise<Uint8Array> {
  for (const path of candidates) {
    try {
      return new Uint8Array(await readFile(path));
    } catch {
      // try the next location
    }
  }
  throw new Error(`embedded model not found (looked in ${candidates.join(', ')}): build it with 'npx tsx models/build-embedded.ts' or 'npm run build'`);
}

export function embeddedLossModel(bytes: Uint8Array): Promise<LossModel> {
  return loadEmbeddedModel(bytes, { ort });
}

export async function loadCliModel(id: string, note: (line: string) => void): Promise<LossModel> {
  ort.env.wasm.numThreads = 1;
  if (id === EMBEDDED_MODEL_ID) return embeddedLossModel(await readEmbeddedWeights());
  let last = -1;
  return loadRegistryLossModel(id, {
    ort,
    onCacheMiss: (reason) => note(reason),
    onProgress: (p) => {
      const pct = Math.floor((100 * p.bytesDone) / Math.max(1, p.bytesTotal));
      if (pct >= last + 10) note(`downloading ${id}: ${(last = pct)}%`);
    },
  });
}
