// One input image, start to finish: read and decode it (and the --init SVG), sketch it once,
// once per series count or as a nested series (progress on stderr), map the strokes back to
// the file's own pixels, write its files.
import {
  type LossModel,
  resolveOptions,
  type SketchOptions,
  type SketchProgress,
  type SketchResult,
  sketchify,
  sketchNestedSeries,
  toSeriesSvg,
  toSvg,
} from '../engine/index.ts';
import { UsageError, type RunCommand } from './args.ts';
import { decodeImage, ImageDecodeError, type DecodedImage } from './decode.ts';
import { InitSvgError, parseSketchSvg, restoreFrozen, strokesForImage, type SketchSvg } from './init-svg.ts';
import { sketchSummary } from './json-summary.ts';
import type { ImageOutputs } from './output-plan.ts';
import type { ProgressReporter } from './progress.ts';
import { renderSketchPng } from './render-png.ts';
import { interruptedWriteDecision, writeFileAtomic, type WriteIo } from './write-outputs.ts';

/** The input image cannot be used (exit 3): unreadable, unsupported, corrupt, blank, out of size limits. */
export class InputError extends Error {}

export interface ImageJobIo extends WriteIo {
  stdout: (s: string) => void;
  /** A line on stderr unless --quiet. */
  note: (line: string) => void;
  /** A line on stderr even with --quiet: what happened to a file on interrupt. */
  warn: (line: string) => void;
  readFile: (path: string) => Promise<Uint8Array>;
  signal?: AbortSignal;
  progress: (label: string) => ProgressReporter;
}

export interface ImageJob {
  cmd: RunCommand;
  outputs: ImageOutputs;
  /** Outputs that existed before the run (see interruptedWriteDecision). */
  existing: ReadonlySet<string>;
  /** The loss model, loaded on first use (so a bad first image fails before a model download). */
  model: () => Promise<{ model: LossModel; loadMs: number }>;
  /** Progress label: the image, and its place in a batch. */
  label: string;
}

export interface ImageJobResult {
  interrupted: boolean;
  /** The --json line. */
  summary: Record<string, unknown>;
}

/** The strokes in the file's own pixels: the engine saw a copy downscaled to MAX_IMAGE_SIDE. */
export function toSourceFrame(result: SketchResult, image: DecodedImage): SketchResult {
  const fx = image.sourceWidth / image.width,
    fy = image.sourceHeight / image.height;
  if (fx === 1 && fy === 1) return result;
  const points = result.points.map((v, i) => v * (i % 2 === 0 ? fx : fy));
  return { ...result, points, width: result.width * fx, imageWidth: image.sourceWidth, imageHeight: image.sourceHeight };
}

async function readInput(path: string, io: ImageJobIo): Promise<DecodedImage> {
  let bytes: Uint8Array;
  try {
    bytes = await io.readFile(path);
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return decodeImage(bytes);
  } catch (error) {
    throw error instanceof ImageDecodeError ? new InputError(`${path}: ${error.message}`) : error;
  }
}

/** The --init strokes (engine frame) and the SVG they came from; checked against the options before any work. */
async function readInit(
  cmd: RunCommand,
  image: DecodedImage,
  input: string,
  io: ImageJobIo,
): Promise<{ options: SketchOptions; svg: SketchSvg; frozen: number[] } | null> {
  if (!cmd.init) return null;
  const { path, freeze } = cmd.init;
  let text: string;
  try {
    text = new TextDecoder().decode(await io.readFile(path));
  } catch (error) {
    throw new InputError(`cannot read --init ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let svg: SketchSvg, points: number[];
  try {
    svg = parseSketchSvg(text, path);
    points = strokesForImage(svg, image, path, input);
  } catch (error) {
    throw error instanceof InitSvgError ? new InputError(error.message) : error;
  }
  const frozenText = freeze.map((f) => f + 1).join(',');
  if (freeze.some((f) => 8 * f >= points.length))
    throw new UsageError(`--freeze ${frozenText}: ${path} holds ${points.length / 8} strokes (numbered from 1)`);
  const options: SketchOptions = { ...cmd.options, initial: { points, frozen: freeze } };
  try {
    resolveOptions(options);
  } catch (error) {
    throw new UsageError(`--init ${path}: ${(error as Error).message}`);
  }
  return { options, svg, frozen: freeze };
}

type Init = Awaited<ReturnType<typeof readInit>>;

/** One sketch per count (or the one sketch), or the nested series; results in the order asked, and the one that ran last. */
async function runSketches(
  job: ImageJob,
  io: ImageJobIo,
  image: DecodedImage,
  model: LossModel,
  init: Init,
  onFirst: () => void,
): Promise<{ results: SketchResult[]; lastRun: SketchResult }> {
  const { cmd } = job;
  const runtime = (onProgress: (e: SketchProgress) => void) => ({
    model,
    signal: io.signal,
    progressIntervalMs: 200,
    onProgress: (e: SketchProgress) => {
      onFirst();
      onProgress(e);
    },
  });
  if (cmd.series && cmd.nested) {
    // Largest level first; one progress bar per level, switched when the events say so.
    const levels = [...cmd.series].sort((a, b) => b - a);
    const bar: { reporter: ProgressReporter | null; level: number } = { reporter: null, level: -1 };
    const onProgress = (e: SketchProgress) => {
      const index = e.level?.index ?? 0;
      if (index !== bar.level) {
        bar.reporter?.done();
        bar.reporter = io.progress(`${job.label} ${levels[index]} strokes (nested)`);
        bar.level = index;
      }
      bar.reporter!.update(e);
    };
    let ran: SketchResult[];
    try {
      ran = (await sketchNestedSeries(image, levels, cmd.options, runtime(onProgress))).map((r) => toSourceFrame(r, image));
    } finally {
      bar.reporter?.done();
    }
    return { results: cmd.series.flatMap((n) => ran.filter((r) => r.strokes === n)), lastRun: ran[ran.length - 1] };
  }
  const results: SketchResult[] = [];
  for (const strokes of cmd.series ?? [cmd.options.strokes]) {
    if (io.signal?.aborted && results.length > 0) break; // between two sketches of a series
    const reporter = io.progress(cmd.series ? `${job.label} ${strokes} strokes` : job.label);
    try {
      const result = toSourceFrame(
        await sketchify(
          image,
          init?.options ?? { ...cmd.options, strokes },
          runtime((e) => reporter.update(e)),
        ),
        image,
      );
      results.push(init ? { ...result, points: restoreFrozen(result.points, result.origin, init.frozen, init.svg) } : result);
    } finally {
      reporter.done();
    }
    if (results[results.length - 1].cancelled) break;
  }
  return { results, lastRun: results[results.length - 1] };
}

export async function sketchImage(job: ImageJob, io: ImageJobIo): Promise<ImageJobResult> {
  const { cmd, outputs } = job;
  const t0 = performance.now();
  const image = await readInput(outputs.input, io);
  const init = await readInit(cmd, image, outputs.input, io); // before the model: a bad SVG fails fast
  const { model, loadMs } = await job.model();
  let firstPreviewMs = NaN;
  const { results, lastRun: last } = await runSketches(job, io, image, model, init, () => {
    if (Number.isNaN(firstPreviewMs)) firstPreviewMs = performance.now() - t0;
  });
  const interrupted = Boolean(io.signal?.aborted) || last.cancelled;
  const written: string[] = [];
  const write = async (path: string | null, data: () => string | Uint8Array | Promise<string | Uint8Array>, partial: boolean) => {
    if (path === null) return;
    if (partial) {
      const decision = interruptedWriteDecision(path, job.existing.has(path), last);
      io.warn(decision.why);
      if (!decision.write) return;
    }
    await writeFileAtomic(io, path, await data());
    written.push(path);
  };
  const svg = () => (cmd.series ? toSeriesSvg(results) : toSvg(results[0]));
  if (outputs.svg === null) io.stdout(svg());
  else await write(outputs.svg, svg, interrupted);
  // A nested series runs largest first: an interrupted one may lack any of the counts.
  const perCount = (r: SketchResult) => outputs.perCount?.[cmd.series!.indexOf(r.strokes)] ?? null;
  for (const result of results) await write(perCount(result), () => toSvg(result), interrupted && result === last);
  await write(outputs.png, () => renderSketchPng(results[0]), interrupted);
  for (const r of results) {
    io.note(
      `${job.label}: ${r.cancelled ? 'interrupted: best so far, ' : ''}${r.strokes} strokes, ${r.iterations} iterations, ` +
        `loss ${r.lossInitial.toFixed(4)} -> ${r.lossFinal.toFixed(4)}, ${(r.timings.totalMs / 1000).toFixed(1)} s, ` +
        `${r.backend} (${r.backendReason}), model ${r.model}`,
    );
  }
  const subject = results[0].subject;
  io.note(`${job.label}: ${subject.note}${subject.busy ? '; busy background: a cut-out (background removed) gives a cleaner sketch' : ''}`);
  if (written.length > 0) io.note(`${job.label}: wrote ${written.join(', ')}`);
  const times = { modelLoadMs: loadMs, firstPreviewMs, totalMs: performance.now() - t0 };
  const askedSeed = resolveOptions(init?.options ?? cmd.options).seed;
  const one = (r: SketchResult, svgPath: string | null) => ({ svg: svgPath, ...sketchSummary(r, askedSeed, times) });
  const summary = cmd.series
    ? {
        input: outputs.input,
        svg: outputs.svg,
        written,
        seed: askedSeed,
        nested: cmd.nested,
        cancelled: interrupted,
        sketches: results.map((r) => one(r, perCount(r))),
      }
    : { input: outputs.input, ...(cmd.init ? { init: cmd.init.path } : {}), ...one(results[0], outputs.svg), png: outputs.png, written };
  return { interrupted, summary };
}
