// `npm run bench -- embedded-config`: the experiment behind the embedded model's shipped
// configuration (input side inside the graph, taps, embedding layer, semantic weight). Each
// configuration sketches the same images (CPU path, same seed); every final sketch is judged
// by two yardsticks that do not depend on the configuration: the full network's perceptual
// distance (224 px, taps block_5_add + block_12_add, raw MSE, relative to the initial
// strokes) and the symmetric Chamfer distance (px) to the photo's XDoG edges. Time per
// iteration comes from the same run. Env: CONFIGS=name|name  IMAGES=horse,rocket
//   PRESET=draft  STROKES=16
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { xdogEdges } from '../src/engine/init/xdog.ts';
import { renderClean } from '../src/engine/loss/evaluate.ts';
import { loadEmbeddedModel, type EmbeddedModelOptions } from '../src/engine/model/embedded-mobilenet-v2.ts';
import type { TargetFeatures } from '../src/engine/model/types.ts';
import type { Preset } from '../src/engine/options.ts';
import { preprocess } from '../src/engine/preprocess/preprocess.ts';
import { createCpuRasterizer } from '../src/engine/raster/cpu.ts';
import { sketchify } from '../src/engine/sketch.ts';
import { inkMask, symmetricChamfer } from './_metrics.ts';
import { fixturesFromEnv, loadFixture } from './_sketch-util.ts';
import type { Emit } from './run.ts';

type Config = Omit<EmbeddedModelOptions, 'ort'> & { weights?: { geometric?: Record<string, number>; semantic?: number } };
const FULL = { inputSize: 224, embedding: 'out_relu' };
const CONFIGS: Record<string, Config> = {
  // The previous default (DESIGN.md §10 prototype): full network at 224, semantic 0.1.
  'full@224 taps 5+12 sem 0.1': { ...FULL, taps: ['block_5_add', 'block_12_add'], semantic: 0.1, weights: { geometric: { block_5_add: 1, block_12_add: 1 } } },
  'full@160 taps 5+12 sem 0.1': { inputSize: 160, embedding: 'out_relu', taps: ['block_5_add', 'block_12_add'], semantic: 0.1, weights: { geometric: { block_5_add: 1, block_12_add: 1 } } },
  'to-block12@160 taps 5+12 sem 0': { taps: ['block_5_add', 'block_12_add'], semantic: 0, weights: { geometric: { block_5_add: 1, block_12_add: 1 } } },
  'to-block12@160 taps 5+12 sem 0.1 (pooled block_12)': { taps: ['block_5_add', 'block_12_add'], semantic: 0.1, weights: { geometric: { block_5_add: 1, block_12_add: 1 } } },
  'to-block12@160 taps 2+5+12 sem 0': { taps: ['block_2_add', 'block_5_add', 'block_12_add'], weights: { geometric: { block_2_add: 1, block_5_add: 1, block_12_add: 1 } } },
  'to-block12@192 taps 5+12 sem 0': { inputSize: 192, taps: ['block_5_add', 'block_12_add'], weights: { geometric: { block_5_add: 1, block_12_add: 1 } } },
  // Shipped: the loader's defaults (160 inside, taps block_4_add + block_12_add, no semantic term).
  'shipped: to-block12@160 taps 4+12 sem 0': {},
};
const DEFAULT_CONFIGS = ['full@224 taps 5+12 sem 0.1', 'full@160 taps 5+12 sem 0.1', 'shipped: to-block12@160 taps 4+12 sem 0'];

export async function run(emit: Emit): Promise<void> {
  ort.env.wasm.numThreads = 1;
  const bytes = new Uint8Array(readFileSync(new URL('../build/models/embedded-mobilenetv2.bin', import.meta.url)));
  const chosen = process.env.CONFIGS ? process.env.CONFIGS.split('|') : DEFAULT_CONFIGS;
  const preset = (process.env.PRESET ?? 'draft') as Preset;
  const strokes = Number(process.env.STROKES ?? 16);
  const judgeTaps = ['block_5_add', 'block_12_add'];
  const judge = await loadEmbeddedModel(bytes, { ort, ...FULL, taps: judgeTaps });
  const unit = { geometric: { block_5_add: 1, block_12_add: 1 }, semantic: 1 };
  const raster = createCpuRasterizer();
  const judgeSketch = async (points: Float32Array, target: TargetFeatures, width: number) => {
    const gray = await renderClean(raster, points, 224, { width });
    const { terms } = await judge.lossAndGradient(gray, target, unit);
    return { perceptual: terms.block_5_add + terms.block_12_add, semantic: terms.semantic, gray };
  };
  for (const name of chosen) {
    if (!CONFIGS[name]) throw new Error(`unknown configuration '${name}'; known: ${Object.keys(CONFIGS).join(' | ')}`);
    const { weights, ...modelOptions } = CONFIGS[name];
    const model = await loadEmbeddedModel(bytes, { ort, ...modelOptions });
    for (const file of fixturesFromEnv('IMAGES')) {
      const image = loadFixture(file);
      const pre = preprocess(image, 224);
      const edges = Uint8Array.from(xdogEdges(pre.gray, 224));
      const target = await judge.targetFeatures(pre.rgb, 1);
      const options = { preset, strokes, backend: 'cpu' as const, weights };
      const init = await sketchify(image, { ...options, iterations: 0 }, { model });
      const result = await sketchify(image, options, { model });
      const before = await judgeSketch(init.canvasPoints, target, result.canvasWidth);
      const after = await judgeSketch(result.canvasPoints, target, result.canvasWidth);
      emit({
        case: 'embedded configuration',
        config: name,
        image: file,
        preset,
        strokes,
        iterations: result.iterations,
        msPerIteration: +(result.timings.optimizeMs / Math.max(1, result.iterations)).toFixed(1),
        perceptualRatio: +(after.perceptual / before.perceptual).toFixed(4),
        semanticDistance: +after.semantic.toFixed(4),
        semanticDistanceInit: +before.semantic.toFixed(4),
        chamferPx: +symmetricChamfer(inkMask(after.gray), edges, 224).toFixed(2),
        chamferInitPx: +symmetricChamfer(inkMask(before.gray), edges, 224).toFixed(2),
      });
    }
    await model.dispose();
  }
  await judge.dispose();
}
