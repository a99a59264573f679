// The CLI as a function of its arguments and its I/O (tested without a process): returns
// the exit code (0 ok, 1 failure, 2 usage, 3 unusable input image, 130 interrupted). Only
// main.ts exits.
import { sketchify } from '../engine/sketch.ts';
import type { LossModel } from '../engine/model/types.ts';
import type { SketchResult } from '../engine/result.ts';
import { toSvg } from '../engine/svg.ts';
import { parseArgs, USAGE, UsageError, type RunCommand } from './args.ts';
import { decodeImage, ImageDecodeError } from './decode.ts';
import { createProgressWriter } from './progress.ts';
import { renderSketchPng } from './render-png.ts';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** stderr is a terminal: draw the progress bar. */
  isTTY: boolean;
  columns: number;
  env: Record<string, string | undefined>;
  readFile: (path: string) => Promise<Uint8Array>;
  writeFile: (path: string, data: string | Uint8Array) => Promise<void>;
  loadModel: (id: string, note: (line: string) => void) => Promise<LossModel>;
  /** Aborted on SIGINT: the best strokes so far are written, exit 130. */
  signal?: AbortSignal;
  version: string;
}

export const EXIT = { ok: 0, failure: 1, usage: 2, input: 3, interrupted: 130 } as const;

/** The input image cannot be used (exit 3): unreadable, unsupported, corrupt, out of size limits. */
export class InputError extends Error {}

/** Wall-clock times of one CLI run, ms from its start (before the image is read). */
export interface CliTimings {
  modelLoadMs: number;
  firstPreviewMs: number;
  totalMs: number;
}

export function summary(result: SketchResult, times?: CliTimings): Record<string, unknown> {
  return {
    strokes: result.strokes,
    iterations: result.iterations,
    loss_initial: result.lossInitial,
    loss_final: result.lossFinal,
    // ms_total: the whole command (read + decode + model load + sketch + writing), not only sketchify.
    ms_total: Math.round(times?.totalMs ?? result.timings.totalMs),
    ms_model_load: Math.round(times?.modelLoadMs ?? result.timings.modelMs),
    ms_first_preview: Math.round(times?.firstPreviewMs ?? result.timings.firstPreviewMs),
    backend: result.backend,
    backend_reason: result.backendReason,
    model: result.model,
    seed: result.seed,
    cancelled: result.cancelled,
    stopped_early: result.stoppedEarly,
  };
}

async function run(cmd: RunCommand, io: CliIo): Promise<number> {
  const color = io.isTTY && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '');
  const note = (line: string) => {
    if (!cmd.quiet) io.stderr(`${line}\n`);
  };
  const t0 = performance.now();
  let bytes: Uint8Array;
  try {
    bytes = await io.readFile(cmd.image);
  } catch (error) {
    throw new InputError(`cannot read ${cmd.image}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let image;
  try {
    image = decodeImage(bytes);
  } catch (error) {
    throw error instanceof ImageDecodeError ? new InputError(`${cmd.image}: ${error.message}`) : error;
  }
  const model = await io.loadModel(cmd.options.model ?? 'embedded', note);
  const modelLoadMs = performance.now() - t0;
  const progress = createProgressWriter(io.stderr, io.columns, color);
  let result: SketchResult;
  let firstPreviewMs = NaN;
  try {
    result = await sketchify(image, cmd.options, {
      model,
      signal: io.signal,
      progressIntervalMs: 200,
      onProgress: (e) => {
        if (Number.isNaN(firstPreviewMs)) firstPreviewMs = performance.now() - t0;
        if (io.isTTY && !cmd.quiet) progress.update(e);
      },
    });
  } finally {
    progress.done();
  }
  const write = async (path: string, data: string | Uint8Array) => {
    try {
      await io.writeFile(path, data);
    } catch (error) {
      throw new Error(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  const svg = toSvg(result);
  if (cmd.output) await write(cmd.output, svg);
  else if (!cmd.json) io.stdout(svg);
  if (cmd.png) await write(cmd.png, await renderSketchPng(result));
  if (cmd.json) io.stdout(`${JSON.stringify(summary(result, { modelLoadMs, firstPreviewMs, totalMs: performance.now() - t0 }))}\n`);
  note(
    `${result.cancelled ? 'interrupted: best so far, ' : ''}${result.strokes} strokes, ${result.iterations} iterations, ` +
      `loss ${result.lossInitial.toFixed(4)} -> ${result.lossFinal.toFixed(4)}, ${(result.timings.totalMs / 1000).toFixed(1)} s, ` +
      `${result.backend} (${result.backendReason}), model ${result.model}${cmd.output ? `, wrote ${cmd.output}` : ''}`,
  );
  return result.cancelled ? EXIT.interrupted : EXIT.ok;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const color = io.isTTY && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '');
  const label = (text: string) => (color ? `\x1b[31m${text}\x1b[0m` : text);
  let cmd;
  try {
    cmd = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${label('usage error:')} ${error.message}\nRun 'sketchify --help' for the options.\n`);
    return EXIT.usage;
  }
  if (cmd.kind === 'help') {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (cmd.kind === 'version') {
    io.stdout(`${io.version}\n`);
    return EXIT.ok;
  }
  try {
    return await run(cmd, io);
  } catch (error) {
    io.stderr(`${label('error:')} ${(error as Error).message}\n`);
    if (error instanceof InputError) return EXIT.input;
    return io.signal?.aborted ? EXIT.interrupted : EXIT.failure;
  }
}
