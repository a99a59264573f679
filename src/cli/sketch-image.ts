// One input image, start to finish: read and decode it, sketch it once or once per series
// count (progress on stderr), map the strokes back to the file's own pixels, write its files.
import { type LossModel, resolveOptions, type SketchResult, sketchify, toSeriesSvg, toSvg } from '../engine/index.ts';
import type { RunCommand } from './args.ts';
import { decodeImage, ImageDecodeError, type DecodedImage } from './decode.ts';
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
  const fx = image.sourceWidth / image.width, fy = image.sourceHeight / image.height;
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

export async function sketchImage(job: ImageJob, io: ImageJobIo): Promise<ImageJobResult> {
  const { cmd, outputs } = job;
  const t0 = performance.now();
  const image = await readInput(outputs.input, io);
  const { model, loadMs } = await job.model();
  const counts: (number | undefined)[] = cmd.series ?? [cmd.options.strokes];
  const results: SketchResult[] = [];
  let firstPreviewMs = NaN;
  for (const strokes of counts) {
    if (io.signal?.aborted && results.length > 0) break; // between two sketches of a series
    const progress = io.progress(cmd.series ? `${job.label} ${strokes} strokes` : job.label);
    try {
      const result = await sketchify(image, { ...cmd.options, strokes }, {
        model,
        signal: io.signal,
        progressIntervalMs: 200,
        onProgress: (e) => {
          if (Number.isNaN(firstPreviewMs)) firstPreviewMs = performance.now() - t0;
          progress.update(e);
        },
      });
      results.push(toSourceFrame(result, image));
    } finally {
      progress.done();
    }
    if (results[results.length - 1].cancelled) break;
  }
  const interrupted = Boolean(io.signal?.aborted) || results[results.length - 1].cancelled;
  const last = results[results.length - 1];
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
  for (const [i, result] of results.entries()) await write(outputs.perCount?.[i] ?? null, () => toSvg(result), interrupted && i === results.length - 1);
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
  const askedSeed = resolveOptions(cmd.options).seed;
  const one = (r: SketchResult, svgPath: string | null) => ({ svg: svgPath, ...sketchSummary(r, askedSeed, times) });
  const summary = cmd.series
    ? { input: outputs.input, svg: outputs.svg, written, seed: askedSeed, cancelled: interrupted, sketches: results.map((r, i) => one(r, outputs.perCount?.[i] ?? null)) }
    : { input: outputs.input, ...one(results[0], outputs.svg), png: outputs.png, written };
  return { interrupted, summary };
}
