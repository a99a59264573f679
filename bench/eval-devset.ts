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
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

const DEVSET = process.env.EVAL_DEVSET_DIR ? new URL(`file://${process.env.EVAL_DEVSET_DIR.replace(/\/?$/, '/')}`) : new URL('./devset/', import.meta.url);
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
  const plane = SIZE * SIZE, out = Float32Array.from(rgb);
  if (!mask) return out;
  for (let y = 1; y < SIZE - 1; y++) {
    for (let x = 1; x < SIZE - 1; x++) {
      const i = y * SIZE + x, m = mask[i] > 0.5;
      if (m !== mask[i - 1] > 0.5 || m !== mask[i - SIZE] > 0.5) [out[i], out[plane + i], out[2 * plane + i]] = [1, 0, 0];
    }
  }
  return out;
}

function overPhoto(gray: Float32Array, rgb: Float32Array): Float32Array {
  const plane = SIZE * SIZE, out = new Float32Array(3 * plane);
  for (let k = 0; k < 3; k++) for (let i = 0; i < plane; i++) out[k * plane + i] = gray[i] * (0.75 + 0.25 * rgb[k * plane + i]);
  return out;
}

/** DoodleNet ranks of `files` (class=path pairs), or nulls without the yardstick. */
function doodleRanks(pairs: string[]): Map<string, number> {
  const ranks = new Map<string, number>();
  if (!existsSync(JUDGE) || pairs.length === 0) return ranks;
  const run = spawnSync(process.execPath, [JUDGE.pathname, ...pairs], { encoding: 'utf8', maxBuffer: 64 << 20, cwd: new URL('..', import.meta.url).pathname });
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
  const entries = (JSON.parse(readFileSync(new URL('manifest.json', DEVSET), 'utf8')) as DevsetEntry[]).filter((e) => kinds.includes(e.kind) && (!ids || ids.includes(e.id)));
  const rows: DevsetRow[] = [];
  const cells: Float32Array[][] = [];
  const labels: string[] = [];
  const judge: string[] = [];
  for (const entry of entries) {
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
    cells.push(row);
    labels.push(`${entry.id} (${entry.class})`);
  }
  const ranks = doodleRanks(judge);
  for (const r of rows) {
    for (const name of ['sketch', 'init', 'random']) {
      const rank = ranks.get(`${r.id}-${r.strokes}-${name}.png`);
      (r as unknown as Record<string, unknown>)[`doodle_rank_${name}`] = rank ?? null;
    }
  }
  writeFileSync(new URL('contact-sheet.png', out), sheetPng(cells, SIZE));
  writeFileSync(new URL('labels.txt', out), `${labels.join('\n')}\n`);
  const summary = summarize(rows, strokeCounts);
  for (const s of summary) emit({ case: 'devset summary', ...s });
  writeFileSync(new URL('metrics.json', out), `${JSON.stringify({ rows, summary }, null, 2)}\n`);
  writeFileSync(new URL('table.md', out), devsetTable(rows, summary));
  return rows;
}
