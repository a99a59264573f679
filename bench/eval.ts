// `npm run eval`: sketch quality on the bundled examples with the embedded model (CPU path).
//   sheet:       each image at 4, 8, 16 and 32 strokes -> out/eval/<image>-<n>.svg, a contact
//                sheet out/eval/contact-sheet.png (photo | 4 | 8 | 16 | 32) and metrics: loss,
//                time, iterations, symmetric Chamfer distance (px) from the sketch's ink to the
//                photo's edges (XDoG after local contrast normalization, bench/_metrics.ts; the
//                raw-XDoG distance is reported beside it as chamfer_raw_xdog_*); baselines in the same run: the initialization without
//                optimization and as many random strokes, all scored with the run's loss weights.
//   convergence: the `standard` preset vs the CLIPasso schedule (2000 iterations, 4 augmented
//                views + the clean one, lr 1, one seed, no early stop) at 16 strokes: the
//                iterations `standard` needs to come within 5 % of the reference's best loss.
// Env: EVAL_SECTIONS=sheet,convergence  EVAL_PRESET=draft  EVAL_IMAGES=chelsea,horse
//      EVAL_STROKES=4,8,16,32  EVAL_SEED=0 (sheet: the sketches' and initialization's base seed)
//      EVAL_CONVERGENCE_IMAGES=...  EVAL_REFERENCE_ITERATIONS=2000
//      EVAL_ORT=node: onnxruntime-node (the CLI's runtime, ~2.5x faster) instead of the plugin's wasm
// Output: JSON lines on stdout, also in out/eval/metrics-<sections>.json; contact-sheet-half.png
// is the size copied to docs/ for the README and docs/evaluation.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { cpuRuntime, embeddedLossModel, embeddedModelCandidates, readEmbeddedWeights } from '../src/cli/models.ts';
import {
  randomStrokes,
  cleanTerms,
  renderClean,
  type LossModel,
  type TargetFeatures,
  type Preset,
  type RgbaImage,
  contentRect,
  preprocess,
  createRandom,
  createCpuRasterizer,
  type SketchResult,
  sketchify,
  toSvg,
} from '../src/engine/index.ts';
import { sheetPng } from './_sheet.ts';
import { evalDevset } from './eval-devset.ts';
import { borderTracing, fidelityEdges, inkMask, symmetricChamfer, type FidelityEdges, type Side } from './_metrics.ts';
import { fixturesFromEnv, loadEmbedded, loadFixture } from './_sketch-util.ts';

const OUT = new URL('../out/eval/', import.meta.url);
const SIZE = 224;
const rows: Record<string, unknown>[] = [];
const emit = (row: Record<string, unknown>) => {
  rows.push(row);
  console.log(JSON.stringify(row));
};
const round = (v: number, d = 4) => +v.toFixed(d);

interface Scored {
  loss: number;
  chamfer: number;
  /** Against the raw XDoG edges (the earlier yardstick, blind on dark photos). */
  chamferRaw: number;
  gray: Float32Array;
}

/** Loss (the run's normalized weights) and Chamfer distance of canvas strokes. */
async function score(
  model: LossModel,
  target: TargetFeatures,
  edges: FidelityEdges,
  points: Float32Array,
  result: SketchResult,
): Promise<Scored> {
  const raster = createCpuRasterizer();
  const { loss } = await cleanTerms(model, raster, points, target, result.weights, { width: result.canvasWidth });
  const gray = await renderClean(raster, points, SIZE, { width: result.canvasWidth });
  const ink = inkMask(gray);
  return { loss, chamfer: symmetricChamfer(ink, edges.edges, SIZE), chamferRaw: symmetricChamfer(ink, edges.rawEdges, SIZE), gray };
}

/** Halves a PNG by 2x2 box filtering (the copy in docs/). */
function halfPng(bytes: Uint8Array): Uint8Array {
  const src = PNG.sync.read(Buffer.from(bytes));
  const w = src.width >> 1,
    h = src.height >> 1;
  const out = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < 4; k++) {
        const at = (dx: number, dy: number) => src.data[4 * ((2 * y + dy) * src.width + 2 * x + dx) + k];
        out.data[4 * (y * w + x) + k] = Math.round((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1)) / 4);
      }
    }
  }
  return new Uint8Array(PNG.sync.write(out));
}

async function sheet(model: LossModel, images: string[], preset: Preset): Promise<void> {
  const strokeCounts = (process.env.EVAL_STROKES ?? '4,8,16,32').split(',').map(Number);
  const seed = Number(process.env.EVAL_SEED ?? 0);
  const cells: Float32Array[][] = [];
  for (const name of images) {
    const image: RgbaImage = loadFixture(name);
    const pre = preprocess(image, SIZE);
    const edges = fidelityEdges(pre, SIZE);
    const sides: Side[] = [
      ...(pre.map.offsetY > 0 ? (['top', 'bottom'] as const) : []),
      ...(pre.map.offsetX > 0 ? (['left', 'right'] as const) : []),
    ];
    const target = await model.targetFeatures(pre.rgb, 1);
    const row: Float32Array[] = [pre.rgb];
    for (const n of strokeCounts) {
      const result = await sketchify(image, { preset, strokes: n, seed, backend: 'cpu' }, { model });
      writeFileSync(new URL(`${name.replace(/\..*/, '')}-${n}.svg`, OUT), toSvg(result, { background: true }));
      const init = await sketchify(image, { preset, strokes: n, seed, iterations: 0, backend: 'cpu' }, { model });
      const optimized = await score(model, target, edges, result.canvasPoints, result);
      const initial = await score(model, target, edges, init.canvasPoints, result);
      const random = await score(model, target, edges, randomStrokes(SIZE, n, createRandom(1234 + n)), result);
      row.push(optimized.gray);
      emit({
        case: 'sketch',
        image: name,
        preset,
        strokes: n,
        seed,
        iterations: result.iterations,
        ms_total: Math.round(result.timings.totalMs),
        loss: round(optimized.loss),
        loss_init_baseline: round(initial.loss),
        loss_random_baseline: round(random.loss),
        chamfer_px: round(optimized.chamfer, 2),
        chamfer_init_baseline_px: round(initial.chamfer, 2),
        chamfer_random_baseline_px: round(random.chamfer, 2),
        chamfer_raw_xdog_px: round(optimized.chamferRaw, 2),
        chamfer_raw_xdog_init_baseline_px: round(initial.chamferRaw, 2),
        chamfer_raw_xdog_random_baseline_px: round(random.chamferRaw, 2),
        frame_tracing_strokes: borderTracing(result.canvasPoints, contentRect(pre.map), sides).tracing,
        beats_both: optimized.loss < Math.min(initial.loss, random.loss) && optimized.chamfer < Math.min(initial.chamfer, random.chamfer),
        loss_gain_vs_init_pct: round((100 * (initial.loss - optimized.loss)) / initial.loss, 1),
        loss_gain_vs_random_pct: round((100 * (random.loss - optimized.loss)) / random.loss, 1),
        chamfer_gain_vs_init_pct: round((100 * (initial.chamfer - optimized.chamfer)) / initial.chamfer, 1),
        chamfer_gain_vs_random_pct: round((100 * (random.chamfer - optimized.chamfer)) / random.chamfer, 1),
      });
    }
    cells.push(row);
  }
  const png = sheetPng(cells, SIZE);
  writeFileSync(new URL('contact-sheet.png', OUT), png);
  writeFileSync(new URL('contact-sheet-half.png', OUT), halfPng(png));
  const sixteen = rows.filter((r) => r.case === 'sketch' && r.strokes === 16);
  if (sixteen.length > 0) {
    emit({
      case: 'summary 16 strokes',
      images: sixteen.length,
      all_beat_both_baselines: sixteen.every((r) => r.beats_both),
      min_loss_gain_vs_init_pct: Math.min(...sixteen.map((r) => r.loss_gain_vs_init_pct as number)),
      min_loss_gain_vs_random_pct: Math.min(...sixteen.map((r) => r.loss_gain_vs_random_pct as number)),
      min_chamfer_gain_vs_init_pct: Math.min(...sixteen.map((r) => r.chamfer_gain_vs_init_pct as number)),
      min_chamfer_gain_vs_random_pct: Math.min(...sixteen.map((r) => r.chamfer_gain_vs_random_pct as number)),
    });
  }
  // The table of docs/evaluation.md: one line per image and stroke count.
  const lines = [
    '| image | strokes | its | s | loss (init / random) | Chamfer px (init / random) | beats both | raw-XDoG Chamfer px (init / random) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows.filter((row) => row.case === 'sketch')) {
    lines.push(
      `| ${String(r.image).replace(/\..*/, '')} | ${r.strokes} | ${r.iterations} | ${((r.ms_total as number) / 1000).toFixed(1)} | ` +
        `${(r.loss as number).toFixed(3)} (${(r.loss_init_baseline as number).toFixed(3)} / ${(r.loss_random_baseline as number).toFixed(3)}) | ` +
        `${(r.chamfer_px as number).toFixed(1)} (${(r.chamfer_init_baseline_px as number).toFixed(1)} / ${(r.chamfer_random_baseline_px as number).toFixed(1)}) | ${r.beats_both ? 'yes' : 'no'} | ` +
        `${(r.chamfer_raw_xdog_px as number).toFixed(1)} (${(r.chamfer_raw_xdog_init_baseline_px as number).toFixed(1)} / ${(r.chamfer_raw_xdog_random_baseline_px as number).toFixed(1)}) |`,
    );
  }
  writeFileSync(new URL('table.md', OUT), `${lines.join('\n')}\n`);
}

async function convergence(model: LossModel, images: string[]): Promise<void> {
  const referenceIterations = Number(process.env.EVAL_REFERENCE_ITERATIONS ?? 2000);
  for (const name of images) {
    const image = loadFixture(name);
    // Same image, strokes and base seed: both runs share seed 0's initialization and loss scale.
    const standard = await sketchify(image, { preset: 'standard', strokes: 16, backend: 'cpu' }, { model });
    const reference = await sketchify(
      image,
      {
        preset: 'best',
        strokes: 16,
        iterations: referenceIterations,
        views: 4,
        seeds: 1,
        lr: 1,
        lrSchedule: 'constant',
        evalEvery: 10,
        earlyStop: false,
        backend: 'cpu',
      },
      { model },
    );
    const goal = 1.05 * reference.lossFinal;
    const reached = standard.evalHistory.find((e) => e.loss <= goal);
    emit({
      case: 'convergence 16 strokes',
      image: name,
      reference_iterations: referenceIterations,
      reference_loss: round(reference.lossFinal),
      reference_ms: Math.round(reference.timings.totalMs),
      standard_iterations: standard.iterations,
      standard_loss: round(standard.lossFinal),
      standard_ms: Math.round(standard.timings.totalMs),
      standard_iterations_to_within_5pct: reached?.iteration ?? null,
      meets_quarter: reached !== undefined && reached.iteration <= referenceIterations / 4,
    });
  }
}

/** The embedded model on onnxruntime-node (loadEmbedded has built the weight file if it was missing). */
async function loadOnNode(): Promise<{ model: LossModel; loadMs: number }> {
  const built = await loadEmbedded();
  await built.model.dispose();
  const t0 = performance.now();
  const runtime = await cpuRuntime('node');
  if (runtime.name !== 'onnxruntime-node') throw new Error('EVAL_ORT=node: onnxruntime-node does not load here');
  const model = await embeddedLossModel(
    await readEmbeddedWeights(embeddedModelCandidates(new URL('../src/cli/models.ts', import.meta.url).href).slice(1, 2)),
    runtime,
  );
  return { model, loadMs: performance.now() - t0 };
}

mkdirSync(OUT, { recursive: true });
const sections = (process.env.EVAL_SECTIONS ?? 'sheet,convergence').split(',');
const { model, loadMs } = process.env.EVAL_ORT === 'node' ? await loadOnNode() : await loadEmbedded();
emit({
  case: 'embedded model load',
  ms: Math.round(loadMs),
  runtime: process.env.EVAL_ORT === 'node' ? 'onnxruntime-node' : 'onnxruntime-web (wasm)',
});
if (sections.includes('sheet')) await sheet(model, fixturesFromEnv('EVAL_IMAGES'), (process.env.EVAL_PRESET ?? 'draft') as Preset);
if (sections.includes('convergence')) await convergence(model, fixturesFromEnv('EVAL_CONVERGENCE_IMAGES'));
if (sections.includes('devset')) await evalDevset(model, emit);
writeFileSync(new URL(`metrics-${sections.join('+')}.json`, OUT), `${JSON.stringify(rows, null, 2)}\n`);
await model.dispose();
process.exit(0); // onnxruntime keeps handles open
