// LossModels for the CLI: the embedded MobileNetV2 read from build/models (beside the script:
// dist/cli.js or src/cli/*.ts under tsx), CLIP models from the registry through the model
// cache (model-cache.ts). The CPU path runs on onnxruntime-node when it is installed (an
// optional native package), else on onnxruntime-web's wasm backend; one thread either way.
// onnxruntime-node needs graphOptimizationLevel 'extended': at 'all' its NCHWc layout pass
// wraps every Conv of the loss-and-gradient graph in ReorderInput/ReorderOutput (the ReLU6
// adjoint's Equal/Where have no NCHWc kernels), half its time, and it ran slower than wasm
// (embedded B=4: 153 ms vs 119 ms); at 'extended' 90 ms (B=2: 48 vs 84 ms; bench/_ortnode-profile.ts).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { EMBEDDED_MODEL_ID, loadEmbeddedModel, type OnnxLossModelOptions, type LossModel, type OrtModule } from '../engine/index.ts';
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
  throw new Error(
    `embedded model not found (looked in ${candidates.join(', ')}): build it with 'npx tsx models/build-embedded.ts' or 'npm run build'`,
  );
}

export function embeddedLossModel(
  bytes: Uint8Array,
  runtime: Pick<CpuRuntime, 'ort' | 'sessionOptions'> & { name?: string } = { ort },
): Promise<LossModel> {
  return loadEmbeddedModel(bytes, { ort: runtime.ort, sessionOptions: runtime.sessionOptions, runtimeName: runtime.name });
}

export interface CpuRuntime {
  name: 'onnxruntime-node' | 'onnxruntime-web (wasm)';
  ort: OrtModule;
  sessionOptions?: OnnxLossModelOptions['sessionOptions'];
}

/** onnxruntime-node when it loads (unless SKETCHIFY_ORT=wasm), else onnxruntime-web's wasm backend. */
export async function cpuRuntime(prefer = process.env.SKETCHIFY_ORT): Promise<CpuRuntime> {
  try {
    if (prefer === 'wasm') throw new Error('wasm requested');
    const node = (await import('onnxruntime-node')) as unknown as OrtModule;
    const sessionOptions = {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'extended',
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    } as const;
    return { name: 'onnxruntime-node', ort: node, sessionOptions: sessionOptions as OnnxLossModelOptions['sessionOptions'] };
  } catch {
    ort.env.wasm.numThreads = 1;
    return { name: 'onnxruntime-web (wasm)', ort };
  }
}

export async function loadCliModel(id: string, note: (line: string) => void): Promise<LossModel> {
  const runtime = await cpuRuntime();
  if (id === EMBEDDED_MODEL_ID) return embeddedLossModel(await readEmbeddedWeights(), runtime);
  let last = -1;
  return loadRegistryLossModel(id, {
    ort: runtime.ort,
    sessionOptions: runtime.sessionOptions,
    onCacheMiss: (reason) => note(reason),
    onProgress: (p) => {
      const pct = Math.floor((100 * p.bytesDone) / Math.max(1, p.bytesTotal));
      if (pct >= last + 10) note(`downloading ${id}: ${(last = pct)}%`);
    },
  });
}
