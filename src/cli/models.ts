// LossModels for the CLI: the embedded MobileNetV2 read from build/models (beside the script:
// dist/cli.js or src/cli/*.ts under tsx), CLIP models from the registry through the model
// cache (model-cache.ts). All run on onnxruntime-web's wasm backend, one thread, as in the
// plugin: onnxruntime-node loads here but its input-gradient graphs measured slower (bench
// in the issue notes), so it is not used.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { createOnnxLossModel } from '../engine/model/onnx-loss-model.ts';
import type { LossModel, LossWeights } from '../engine/model/types.ts';
import { MOBILENET_V2_DEFAULT_TAPS, MOBILENET_V2_SIZE, mobileNetV2 } from '../engine/nn/arch/mobilenet-v2.ts';
import { unpackLayersModel } from '../engine/nn/tfjs-pack.ts';
import { loadRegistryLossModel } from './model-cache.ts';

export const EMBEDDED_ID = 'embedded';
const EMBEDDED_FILE = 'build/models/embedded-mobilenetv2.bin';

/** Geometric taps 1:1 (DESIGN.md §10) and CLIPasso's 0.1 semantic ratio (terms are normalized by the engine). */
export const EMBEDDED_WEIGHTS: LossWeights = {
  geometric: Object.fromEntries(MOBILENET_V2_DEFAULT_TAPS.map((t) => [t, 1])),
  semantic: 0.1,
};

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

export async function embeddedLossModel(bytes: Uint8Array): Promise<LossModel> {
  const { model } = unpackLayersModel(bytes);
  return createOnnxLossModel(
    { id: EMBEDDED_ID, size: MOBILENET_V2_SIZE, architecture: mobileNetV2(model), defaultWeights: EMBEDDED_WEIGHTS },
    { ort },
  );
}

export async function loadCliModel(id: string, note: (line: string) => void): Promise<LossModel> {
  ort.env.wasm.numThreads = 1;
  if (id === EMBEDDED_ID) return embeddedLossModel(await readEmbeddedWeights());
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
