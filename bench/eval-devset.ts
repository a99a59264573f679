// The development set's evaluation (bench/devset/, ground-truth subject masks): what a viewer
// sees, per image and stroke count, next to the initialization and to random strokes of the
// same lengths: ink on the subject (within 3 % of the longer side of the mask), ink along the
// frame (within 2 %), and the DoodleNet rank of the expected Quick, Draw! class where the
// yardstick is present (../shared/judge, evaluation only). Writes out/eval/devset-<label>/:
// metrics.json, table.md, contact-sheet.png (photo with the mask's outline | 4 | 8 | 16 | 32,
// strokes over a faint photo) and the sketches as PNG.
// Env: EVAL_PRESET=draft  EVAL_STROKES=4,8,16,32  EVAL_SEED=0  EVAL_SUBJECT=auto|off
//      EVAL_DEVSET_KINDS=cutout,composite,photo,flat  EVAL_DEVSET_IDS=a,b  EVAL_LABEL=after
//      EVAL_DEVSET_DIR=another folder holding a manifest.json of the same form
//      EVAL_DEVSET_SHARD=i/n: this process takes every n-th image from the i-th (run n processes
//      with the same label, one per core); each writes rows-shard-i.json and one strip PNG per
//      image, and the report (metrics, table, sheet) is rebuilt from every shard present.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { decodeImage } from '../src/cli/decode.ts';
import { renderSketchPng } from '../src/cli/render-png.ts';
import {
  renderClean,
  type LossModel,
  type Preset,
  type SubjectChoice,
  preprocess,
  createRandom,
  createCpuRasterizer,
  sketchify,
} from '../src/engine/index.ts';
import { devsetTable, summarize, type DevsetRow } from './_devset-report.ts';
import { sheetPng } from './_sheet.ts';
import { distanceToSubject, frameInk, inkOnSubject, randomPlacement, touchesFrame, type ImageMask } from './_subject-metrics.ts';

const DEVSET = process.env.EVAL_DEVSET_DIR
  ? new URL(`file://${process.env.EVAL_DEVSET_DIR.replace(/\/?$/, '/')}`)
  : new URL('./devset/', import.meta.url);
const JUDGE = new URL('../../shared/judge/doodle-rank.mjs', import.meta.url);
const SIZE = 224;

export interface DevsetEntry {
  id: string;
  kind: 'cutout' | 'composite' | 'photo' | 'flat';
  file: string;
  mask: string | null;
  class: string;
  subject: string;
}

function readMask(file: string): ImageMask {
  const img = decodeImage(new Uint8Array(readFileSync(new URL(file, DEVSET))));
  const data = new Uint8Array(img.width * img.height);
  for (let i = 0; i < data.length; i++) data[i] = img.data[4 * i] > 127 && img.data[4 * i + 3] > 127 ? 1 : 0;
  return { width: img.width, height: img.height, data };
}

/** The mask on the working canvas (as preprocess maps the photo), for the sheet's outline. */
function canvasMask(mask: ImageMask): Float32Array {
  const data = new Uint8Array(4 * mask.data.length);
  mask.data.forEach((v, i) => data.set([255 * v, 255 * v, 255 * v, 255], 4 * i));
  return preprocess({ width: mask.width, height: mask.height, data }, SIZE).gray;
}

/** Photo faded to a quarter with the mask's outline in red (3 CHW planes). */
function photoCell(rgb: Float32Array, mask: Float32Array | null): Float32Array {
  const plane = SIZE * SIZE,
    out = Float32Array.from(rgb);
  if (!mask) return out;
  for (let y = 1; y < SIZE - 1; y++) {
    for (let x = 1; x < SIZE - 1; x++) {
      const i = y * SIZE + x,
        m = mask[i] > 0.5;
      if (m !== mask[i - 1] > 0.5 || m !== mask[i - SIZE] > 0.5) [out[i], out[plane + i], out[2 * plane + i]] = [1, 0, 0];
    }
  }
  return out;
}

function overPhoto(gray: Float32Array, rgb: Float32Array): Float32Array {
  const plane = SIZE * SIZE,
    out = new Float32Array(3 * plane);
  for (let k = 0; k < 3; k++) for (let i = 0; i < plane; i++) out[k * plane + i] = gray[i] * (0.75 + 0.25 * rgb[k * plane + i]);
  return out;
}

/** DoodleNet ranks of `files` (class=path pairs), or nulls without the yardstick. */
function doodleRanks(pairs: string[]): Map<string, number> {
  const ranks = new Map<string, number>();
  if (!existsSync(JUDGE) || pairs.length === 0) return ranks;
  const run = spawnSync(process.execPath, [JUDGE.pathname, ...pairs], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    cwd: new URL('..', import.meta.url).pathname,
  });
  for (const line of run.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const row = JSON.parse(line) as { file: string; rank: number };
    ranks.set(row.file, row.rank);
  }
  return ranks;
}

export async function evalDevset(model: LossModel, emit: (row: Record<string, unknown>) => void): Promise<DevsetRow[]> {
  const preset = (process.env.EVAL_PRESET ?? 'draft') as Preset;
  const subject = (process.env.EVAL_SUBJECT ?? 'auto') as SubjectChoice;
  const strokeCounts = (process.env.EVAL_STROKES ?? '4,8,16,32').split(',').map(Number);
  const seed = Number(process.env.EVAL_SEED ?? 0);
  const kinds = (process.env.EVAL_DEVSET_KINDS ?? 'cutout,composite,photo,flat').split(',');
  const ids = process.env.EVAL_DEVSET_IDS?.split(',');
  const out = new URL(`../out/eval/devset-${process.env.EVAL_LABEL ?? subject}/`, import.meta.url);
  mkdirSync(out, { recursive: true });
  const entries = (JSON.parse(readFileSync(new URL('manifest.json', DEVSET), 'utf8')) as DevsetEntry[]).filter(
    (e) => kinds.includes(e.kind) && (!ids || ids.includes(e.id)),
  );
  const [shard, shards] = (process.env.EVAL_DEVSET_SHARD ?? '0/1').split('/').map(Number);
  const rows: DevsetRow[] = [];
  const judge: string[] = [];
  for (const [index, entry] of entries.entries()) {
    if (index % shards !== shard) continue;
    const image = decodeImage(new Uint8Array(readFileSync(new URL(entry.file, DEVSET))));
    const mask = entry.mask ? readMask(entry.mask) : null;
    const distance = mask ? distanceToSubject(mask) : null;
    const pre = preprocess(image, SIZE);
    const row: Float32Array[] = [photoCell(pre.rgb, mask ? canvasMask(mask) : null)];
    for (const n of strokeCounts) {
      const options = { preset, strokes: n, seed, backend: 'cpu' as const, subject };
      const result = await sketchify(image, options, { model });
      // The initialization alone: seed `seed`'s starting strokes (no target pool, no iterations).
      const init = await sketchify(image, { ...options, preset: 'draft', seeds: 1, iterations: 0 }, { model });
      const random = randomPlacement(result.points, image.width, image.height, createRandom(7919 * n + seed));
      const variants = { sketch: result.points, init: init.points, random };
      const metric: Record<string, number | null> = {};
      for (const [name, points] of Object.entries(variants)) {
        metric[`ink_on_subject_${name}`] = mask && distance ? inkOnSubject(points, mask, 0.03, distance) : null;
        metric[`frame_ink_${name}`] = frameInk(points, image.width, image.height);
        const file = `${entry.id}-${n}-${name}.png`;
        writeFileSync(new URL(file, out), await renderSketchPng({ ...result, points }));
        judge.push(`${entry.class}=${new URL(file, out).pathname}`);
      }
      const gray = await renderClean(createCpuRasterizer(), result.canvasPoints, SIZE, { width: result.canvasWidth });
      row.push(overPhoto(gray, pre.rgb));
      const r: DevsetRow = {
        id: entry.id,
        kind: entry.kind,
        class: entry.class,
        strokes: n,
        preset,
        subject_option: subject,
        subject_source: result.subject.source,
        subject_area: +result.subject.area.toFixed(3),
        clutter: +result.subject.clutter.toFixed(4),
        busy: result.subject.busy,
        touches_frame: mask ? touchesFrame(mask) : null,
        iterations: result.iterations,
        ms_total: Math.round(result.timings.totalMs),
        ...Object.fromEntries(Object.entries(metric).map(([k, v]) => [k, v === null ? null : +v.toFixed(4)])),
      } as DevsetRow;
      rows.push(r);
      emit({ case: 'devset', ...r });
    }
    writeFileSync(new URL(`${entry.id}-strip.png`, out), sheetPng([row], SIZE));
  }
  const ranks = doodleRanks(judge);
  for (const r of rows) {
    for (const name of ['sketch', 'init', 'random']) {
      const rank = ranks.get(`${r.id}-${r.strokes}-${name}.png`);
      (r as unknown as Record<string, unknown>)[`doodle_rank_${name}`] = rank ?? null;
    }
  }
  writeFileSync(new URL(`rows-shard-${shard}.json`, out), `${JSON.stringify(rows)}\n`);
  return writeReport(out, entries, strokeCounts, emit);
}

/** Stacks one-row strips (PNG, the same width) top to bottom. */
function stackStrips(strips: Uint8Array[]): Uint8Array {
  const images = strips.map((bytes) => PNG.sync.read(Buffer.from(bytes)));
  const width = Math.max(...images.map((i) => i.width)),
    height = images.reduce((h, i) => h + i.height, 0);
  const out = new PNG({ width, height });
  out.data.fill(255);
  let y = 0;
  for (const img of images) {
    for (let row = 0; row < img.height; row++)
      img.data.copy(out.data, 4 * (y + row) * width, 4 * row * img.width, 4 * (row + 1) * img.width);
    y += img.height;
  }
  return new Uint8Array(PNG.sync.write(out));
}

/** Metrics, table and contact sheet from every shard's rows and strips in `out`, in the manifest's order. */
function writeReport(out: URL, entries: DevsetEntry[], strokeCounts: number[], emit: (row: Record<string, unknown>) => void): DevsetRow[] {
  const shardRows = readdirSync(out)
    .filter((f) => /^rows-shard-\d+\.json$/.test(f))
    .flatMap((f) => JSON.parse(readFileSync(new URL(f, out), 'utf8')) as DevsetRow[]);
  const order = new Map(entries.map((e, i) => [e.id, i]));
  const rows = shardRows.filter((r) => order.has(r.id)).sort((a, b) => order.get(a.id)! - order.get(b.id)! || a.strokes - b.strokes);
  const done = entries.filter((e) => existsSync(new URL(`${e.id}-strip.png`, out)) && rows.some((r) => r.id === e.id));
  writeFileSync(
    new URL('contact-sheet.png', out),
    stackStrips(done.map((e) => new Uint8Array(readFileSync(new URL(`${e.id}-strip.png`, out))))),
  );
  writeFileSync(new URL('labels.txt', out), `${done.map((e) => `${e.id} (${e.class})`).join('\n')}\n`);
  const summary = summarize(rows, strokeCounts);
  for (const s of summary) emit({ case: 'devset summary', ...s });
  writeFileSync(new URL('metrics.json', out), `${JSON.stringify({ rows, summary }, null, 2)}\n`);
  writeFileSync(new URL('table.md', out), devsetTable(rows, summary));
  return rows;
}
