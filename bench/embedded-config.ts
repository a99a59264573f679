// `npm run bench -- embedded-config`: the experiment behind the embedded model's shipped
// configuration (input side inside the graph, taps, embedding layer, semantic weight). Each
// configuration sketches the same images (CPU path, same seed); every final sketch is judged
// by two yardsticks that do not depend on the configuration: the full network's perceptual
// distance (224 px, taps block_5_add + block_12_add, raw MSE, relative to the initial
// strokes) and the symmetric Chamfer distance (px) to the photo's XDoG edges; plus the eval's
// own criterion (bench/eval.ts: Chamfer without the padding band, and the configuration's loss,
// each against the initialization and random strokes: beatsBoth). Time per iteration comes
// from the same run. Env: CONFIGS=name|name  IMAGES=horse,rocket  PRESET=draft  STROKES=16
//   SEEDS=0,1,2 (one sketch per seed: single-seed differences of a few percent are noise)
//   ORT=node (onnxruntime-node, ~2.5x faster than the default wasm; trajectories differ slightly)
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import {
  randomStrokes,
  xdogEdges,
  cleanTerms,
  renderClean,
  loadEmbeddedModel,
  type EmbeddedModelOptions,
  type OrtModule,
  type TargetFeatures,
  type Preset,
  preprocess,
  createRandom,
  createCpuRasterizer,
  sketchify,
} from '../src/engine/index.ts';
import { fidelityEdges, inkMask, symmetricChamfer } from './_metrics.ts';
import { fixturesFromEnv, loadFixture } from './_sketch-util.ts';
import type { Emit } from './run.ts';

type Config = Omit<EmbeddedModelOptions, 'ort'> & { weights?: { geometric?: Record<string, number>; semantic?: number } };
// Before issue #6 every configuration compared raw activations ('none'); the loader's default is now 'unit'.
const RAW = { tapNormalization: 'none' } as const;
const FULL = { inputSize: 224, embedding: 'out_relu', ...RAW };
const T4_12 = { geometric: { block_4_add: 1, block_12_add: 1 } };
const CONFIGS: Record<string, Config> = {
  // The previous default (the TF.js prototype's, docs/design.md "Lessons from the prototype"): full network at 224, semantic 0.1.
  'full@224 taps 5+12 sem 0.1': {
    ...FULL,
    taps: ['block_5_add', 'block_12_add'],
    semantic: 0.1,
    weights: { geometric: { block_5_add: 1, block_12_add: 1 } },
  },
  'full@160 taps 5+12 sem 0.1': {
    ...RAW,
    inputSize: 160,
    embedding: 'out_relu',
    taps: ['block_5_add', 'block_12_add'],
    semantic: 0.1,
    weights: { geometric: { block_5_add: 1, block_12_add: 1 } },
  },
  'to-block12@160 taps 5+12 sem 0': {
    ...RAW,
    inputSize: 160,
    taps: ['block_5_add', 'block_12_add'],
    semantic: 0,
    weights: { geometric: { block_5_add: 1, block_12_add: 1 } },
  },
  'to-block12@160 taps 5+12 sem 0.1 (pooled block_12)': {
    ...RAW,
    inputSize: 160,
    taps: ['block_5_add', 'block_12_add'],
    semantic: 0.1,
    weights: { geometric: { block_5_add: 1, block_12_add: 1 } },
  },
  'to-block12@160 taps 2+5+12 sem 0': {
    ...RAW,
    inputSize: 160,
    taps: ['block_2_add', 'block_5_add', 'block_12_add'],
    weights: { geometric: { block_2_add: 1, block_5_add: 1, block_12_add: 1 } },
  },
  'to-block12@192 taps 5+12 sem 0': {
    ...RAW,
    inputSize: 192,
    taps: ['block_5_add', 'block_12_add'],
    weights: { geometric: { block_5_add: 1, block_12_add: 1 } },
  },
  // Shipped until issue #6: raw taps 4+12 at 160.
  'to-block12@160 taps 4+12 raw': { ...RAW, inputSize: 160, weights: T4_12 },
  // Issue #6 (chelsea and rocket lost to the initialization on Chamfer): tap normalization and resolution.
  'to-block12@192 taps 4+12 raw': { ...RAW, inputSize: 192, weights: T4_12 },
  'to-block12@160 taps 4+12 unit': { inputSize: 160, tapNormalization: 'unit', weights: T4_12 },
  'to-block12@160 taps 2+12 unit': {
    inputSize: 160,
    tapNormalization: 'unit',
    taps: ['block_2_add', 'block_12_add'],
    weights: { geometric: { block_2_add: 1, block_12_add: 1 } },
  },
  'to-block12@224 taps 4+12 unit': { inputSize: 224, tapNormalization: 'unit', weights: T4_12 },
  // Shipped: the loader's defaults (192 inside, taps block_4_add + block_12_add unit-normalized, no semantic term).
  'shipped: to-block12@192 taps 4+12 unit sem 0': {},
};
const DEFAULT_CONFIGS = ['to-block12@160 taps 4+12 raw', 'to-block12@160 taps 4+12 unit', 'shipped: to-block12@192 taps 4+12 unit sem 0'];

export async function run(emit: Emit): Promise<void> {
  ort.env.wasm.numThreads = 1;
  const runtime: { ort: OrtModule; sessionOptions?: EmbeddedModelOptions['sessionOptions'] } =
    process.env.ORT === 'node'
      ? {
          ort: (await import('onnxruntime-node')) as unknown as OrtModule,
          sessionOptions: {
            executionProviders: ['cpu'],
            graphOptimizationLevel: 'extended',
            intraOpNumThreads: 1,
            interOpNumThreads: 1,
          } as EmbeddedModelOptions['sessionOptions'],
        }
      : { ort };
  const seeds = (process.env.SEEDS ?? '0').split(',').map(Number);
  const bytes = new Uint8Array(readFileSync(new URL('../build/models/embedded-mobilenetv2.bin', import.meta.url)));
  const chosen = process.env.CONFIGS ? process.env.CONFIGS.split('|') : DEFAULT_CONFIGS;
  const preset = (process.env.PRESET ?? 'draft') as Preset;
  const strokes = Number(process.env.STROKES ?? 16);
  const judgeTaps = ['block_5_add', 'block_12_add'];
  const judge = await loadEmbeddedModel(bytes, { ...runtime, ...FULL, taps: judgeTaps });
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
    const model = await loadEmbeddedModel(bytes, { ...runtime, ...modelOptions });
    for (const file of fixturesFromEnv('IMAGES')) {
      const image = loadFixture(file);
      const pre = preprocess(image, 224);
      const edges = Uint8Array.from(xdogEdges(pre.gray, 224));
      // The eval's yardstick (bench/_metrics.ts fidelityEdges).
      const subjectEdges = fidelityEdges(pre, 224).edges;
      const target = await judge.targetFeatures(pre.rgb, 1);
      const ownTarget = await model.targetFeatures(pre.rgb, 1);
      for (const seed of seeds) {
        const options = { preset, strokes, seed, backend: 'cpu' as const, weights };
        const init = await sketchify(image, { ...options, iterations: 0 }, { model });
        const result = await sketchify(image, options, { model });
        const before = await judgeSketch(init.canvasPoints, target, result.canvasWidth);
        const after = await judgeSketch(result.canvasPoints, target, result.canvasWidth);
        const random = randomStrokes(224, strokes, createRandom(1234 + strokes));
        const own = async (points: Float32Array) =>
          (await cleanTerms(model, raster, points, ownTarget, result.weights, { width: result.canvasWidth })).loss;
        const randomGray = await renderClean(raster, random, 224, { width: result.canvasWidth });
        const chamfer = (gray: Float32Array) => symmetricChamfer(inkMask(gray), subjectEdges, 224);
        const loss = { sketch: await own(result.canvasPoints), init: await own(init.canvasPoints), random: await own(random) };
        const evalChamfer = { sketch: chamfer(after.gray), init: chamfer(before.gray), random: chamfer(randomGray) };
        emit({
          case: 'embedded configuration',
          config: name,
          image: file,
          preset,
          strokes,
          seed,
          iterations: result.iterations,
          msPerIteration: +(result.timings.optimizeMs / Math.max(1, result.iterations)).toFixed(1),
          perceptualRatio: +(after.perceptual / before.perceptual).toFixed(4),
          semanticDistance: +after.semantic.toFixed(4),
          semanticDistanceInit: +before.semantic.toFixed(4),
          chamferPx: +symmetricChamfer(inkMask(after.gray), edges, 224).toFixed(2),
          chamferInitPx: +symmetricChamfer(inkMask(before.gray), edges, 224).toFixed(2),
          evalLoss: `${loss.sketch.toFixed(3)} (${loss.init.toFixed(3)} / ${loss.random.toFixed(3)})`,
          evalChamferPx: `${evalChamfer.sketch.toFixed(2)} (${evalChamfer.init.toFixed(2)} / ${evalChamfer.random.toFixed(2)})`,
          beatsBoth: loss.sketch < Math.min(loss.init, loss.random) && evalChamfer.sketch < Math.min(evalChamfer.init, evalChamfer.random),
        });
      }
    }
    await model.dispose();
  }
  await judge.dispose();
}
