// The README's nested-series figure: one bundled photo as an independent series (each count
// sketched afresh, as `--series`) and as a nested one (sketchNestedSeries: the largest level,
// then each smaller one = the level above minus its least useful strokes, re-optimized
// briefly, as `--series --nested`), on the CPU path with the embedded model (onnxruntime-node).
//   npx tsx bench/nested-series.ts
// Env: NESTED_IMAGE=horse.png  NESTED_PRESET=standard  NESTED_LEVELS=4,8,16,32  NESTED_SEED=0
// Output: docs/nested-series.png (rows: independent, nested; columns: photo, then the counts in
// NESTED_LEVELS order; half size), out/nested/<image>-<mode>-<n>.svg, and JSON lines on stdout:
// per sketch its iterations, time, and the clean loss of every sketch under one yardstick (the
// loss weights of the independent series' largest sketch), so the two series compare.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpuRuntime, embeddedLossModel, embeddedModelCandidates, readEmbeddedWeights } from '../src/cli/models.ts';
import {
  cleanTerms,
  createCpuRasterizer,
  preprocess,
  renderClean,
  sketchify,
  sketchNestedSeries,
  toSvg,
  type LossModel,
  type Preset,
  type SketchResult,
} from '../src/engine/index.ts';
import { sheetPng } from './_sheet.ts';
import { loadFixture } from './_sketch-util.ts';

const SIZE = 224;
const OUT = new URL('../out/nested/', import.meta.url);
const DOC = new URL('../docs/nested-series.png', import.meta.url);
const image = process.env.NESTED_IMAGE ?? 'horse.png';
const preset = (process.env.NESTED_PRESET ?? 'standard') as Preset;
const levels = (process.env.NESTED_LEVELS ?? '4,8,16,32').split(',').map(Number);
const seed = Number(process.env.NESTED_SEED ?? 0);
const emit = (row: Record<string, unknown>) => console.log(JSON.stringify(row));

async function loadModel(): Promise<LossModel> {
  const runtime = await cpuRuntime('node');
  return embeddedLossModel(
    await readEmbeddedWeights(embeddedModelCandidates(new URL('../src/cli/models.ts', import.meta.url).href).slice(1, 2)),
    runtime,
  );
}

/** Halves a PNG by 2x2 box filtering. */
async function halfPng(bytes: Uint8Array): Promise<Uint8Array> {
  const { PNG } = await import('pngjs');
  const src = PNG.sync.read(Buffer.from(bytes));
  const w = src.width >> 1,
    h = src.height >> 1;
  const out = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h * 4; i++) {
    const x = (i >> 2) % w,
      y = Math.floor((i >> 2) / w),
      k = i & 3;
    const at = (dx: number, dy: number) => src.data[4 * ((2 * y + dy) * src.width + 2 * x + dx) + k];
    out.data[i] = Math.round((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1)) / 4);
  }
  return new Uint8Array(PNG.sync.write(out));
}

const model = await loadModel();
mkdirSync(OUT, { recursive: true });
const photo = loadFixture(image);
const pre = preprocess(photo, SIZE);
const options = { preset, seed, backend: 'cpu' as const };
const t0 = performance.now();
const independent: SketchResult[] = [];
for (const strokes of levels) independent.push(await sketchify(photo, { ...options, strokes }, { model }));
const tIndependent = performance.now() - t0;
const descending = [...levels].sort((a, b) => b - a);
const nestedRun = await sketchNestedSeries(photo, descending, options, { model });
const tNested = performance.now() - t0 - tIndependent;
const nested = levels.map((n) => nestedRun.find((r) => r.strokes === n)!);

// One yardstick for every sketch: the clean loss with the largest independent sketch's weights.
const yardstick = independent[levels.indexOf(Math.max(...levels))].weights;
const target = await model.targetFeatures(preprocess(photo, model.size).rgb, 1);
const raster = createCpuRasterizer();
const rows: Float32Array[][] = [];
for (const [mode, series] of [
  ['independent', independent],
  ['nested', nested],
] as const) {
  const row: Float32Array[] = [pre.rgb];
  for (const r of series) {
    writeFileSync(new URL(`${image.replace(/\..*/, '')}-${mode}-${r.strokes}.svg`, OUT), toSvg(r, { background: true }));
    const f = SIZE / r.canvasSize;
    row.push(
      await renderClean(
        raster,
        r.canvasPoints.map((v) => v * f),
        SIZE,
        { width: r.canvasWidth * f },
      ),
    );
    const { loss } = await cleanTerms(model, raster, r.canvasPoints, target, yardstick, { width: r.canvasWidth });
    emit({
      mode,
      image,
      preset,
      strokes: r.strokes,
      iterations: r.iterations,
      ms_total: Math.round(r.timings.totalMs),
      loss: +loss.toFixed(4),
      origin: r.origin ?? null,
    });
  }
  rows.push(row);
}
emit({ case: 'totals', image, preset, independent_ms: Math.round(tIndependent), nested_ms: Math.round(tNested) });
writeFileSync(DOC, await halfPng(sheetPng(rows, SIZE)));
await model.dispose();
