// The CLI as a function of its arguments and its I/O (tested without a process): returns
// the exit code (0 ok, 1 failure, 2 usage, 3 unusable input image, 130 interrupted). Only
// main.ts exits.
import { basename } from 'node:path';
import type { LossModel } from '../engine/index.ts';
import { parseArgs, USAGE, UsageError, type RunCommand } from './args.ts';
import { checkOutputs, OutputError, planOutputs, type PathIo } from './output-plan.ts';
import { createProgressBar, createProgressLines, silentProgress } from './progress.ts';
import { InputError, sketchImage } from './sketch-image.ts';
import type { WriteIo } from './write-outputs.ts';

export { InputError };

export interface CliIo extends PathIo, WriteIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** stderr is a terminal: draw the progress bar. */
  isTTY: boolean;
  columns: number;
  env: Record<string, string | undefined>;
  readFile: (path: string) => Promise<Uint8Array>;
  loadModel: (id: string, note: (line: string) => void) => Promise<LossModel>;
  /** Aborted on SIGINT: the best strokes so far are written (see write-outputs.ts), exit 130. */
  signal?: AbortSignal;
  version: string;
}

export const EXIT = { ok: 0, failure: 1, usage: 2, input: 3, interrupted: 130 } as const;

async function run(cmd: RunCommand, io: CliIo, label: (text: string) => string): Promise<number> {
  const color = io.isTTY && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '');
  const note = (line: string) => {
    if (!cmd.quiet) io.stderr(`${line}\n`);
  };
  const plans = planOutputs(cmd);
  const existing = await checkOutputs(plans, io, cmd.init?.path ?? null); // before any work
  let loaded: LossModel | null = null; // images run one after another: no concurrent load
  const model = async () => {
    if (loaded) return { model: loaded, loadMs: 0 };
    const t0 = performance.now();
    loaded = await io.loadModel(cmd.options.model ?? 'embedded', note);
    return { model: loaded, loadMs: performance.now() - t0 };
  };
  const progress = (text: string) => {
    if (cmd.quiet) return silentProgress;
    return io.isTTY ? createProgressBar(io.stderr, text, io.columns, color) : createProgressLines(io.stderr, text);
  };
  let code: number = EXIT.ok;
  for (const [k, outputs] of plans.entries()) {
    const name = basename(outputs.input);
    const jobLabel = plans.length > 1 ? `[${k + 1}/${plans.length}] ${name}` : name;
    try {
      const result = await sketchImage(
        { cmd, outputs, existing, model, label: jobLabel },
        { ...io, note: (s) => note(s), warn: (s) => io.stderr(`${s}\n`), progress },
      );
      if (cmd.json) io.stdout(`${JSON.stringify(result.summary)}\n`);
      if (result.interrupted) return EXIT.interrupted;
    } catch (error) {
      // With several images an unusable one is reported and skipped; the run ends with exit 3.
      if (!(error instanceof InputError) || plans.length === 1) throw error;
      io.stderr(`${label('error:')} ${error.message} (skipped)\n`);
      if (cmd.json) io.stdout(`${JSON.stringify({ input: outputs.input, error: error.message })}\n`);
      code = EXIT.input;
    }
    if (io.signal?.aborted) return EXIT.interrupted;
  }
  return code;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const color = io.isTTY && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '');
  const label = (text: string) => (color ? `\x1b[31m${text}\x1b[0m` : text);
  const usageError = (message: string) => {
    io.stderr(`${label('usage error:')} ${message}\nRun 'sketchify --help' for the options.\n`);
    return EXIT.usage;
  };
  let cmd;
  try {
    cmd = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageError(error.message);
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
    return await run(cmd, io, label);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message);
    io.stderr(`${label('error:')} ${(error as Error).message}\n`);
    if (error instanceof InputError) return EXIT.input;
    if (error instanceof OutputError) return EXIT.failure;
    return io.signal?.aborted ? EXIT.interrupted : EXIT.failure;
  }
}
