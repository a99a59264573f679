// Writing a finished (or interrupted) sketch's files without ever losing one: each file goes
// to a temporary name in its own directory and is renamed over the target (a rename within
// one file system is atomic), and an interrupted run replaces an existing file only with
// strokes that beat the initial ones.
import { basename, dirname, join } from 'node:path';
import { OutputError } from './output-plan.ts';

export interface WriteIo {
  writeFile: (path: string, data: string | Uint8Array) => Promise<void>;
  rename: (from: string, to: string) => Promise<void>;
  removeFile: (path: string) => Promise<void>;
}

let tempCounter = 0;
const pending = new Set<string>();

/** Temporary files being written now: a forced exit (second Ctrl-C) removes them first. */
export const pendingTemporaryFiles = (): string[] => [...pending];

/** `.name.<pid>-<n>.tmp` beside `path`: hidden, and on the same file system as the target. */
export function temporaryPath(path: string, pid = typeof process === 'undefined' ? 0 : process.pid): string {
  return join(dirname(path), `.${basename(path)}.${pid}-${++tempCounter}.tmp`);
}

/** Writes `data` to `path` via a temporary file; on failure the old file is untouched and no temporary remains. */
export async function writeFileAtomic(io: WriteIo, path: string, data: string | Uint8Array): Promise<void> {
  const temp = temporaryPath(path);
  pending.add(temp);
  try {
    await io.writeFile(temp, data);
    await io.rename(temp, path);
  } catch (error) {
    await io.removeFile(temp).catch(() => undefined);
    throw new OutputError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  } finally {
    pending.delete(temp);
  }
}

export interface InterruptedLosses {
  lossInitial: number;
  lossFinal: number;
}

/**
 * Whether an interrupted sketch may go to `path`: always to a file that did not exist before
 * the run; over an existing file only when its strokes beat the initialization's loss (the
 * first seconds barely move the strokes, and a good earlier sketch is worth more). `why` says
 * which, for stderr.
 */
export function interruptedWriteDecision(path: string, existedBefore: boolean, losses: InterruptedLosses): { write: boolean; why: string } {
  const lossText = `loss ${losses.lossInitial.toFixed(4)} -> ${losses.lossFinal.toFixed(4)}`;
  if (!existedBefore) return { write: true, why: `interrupted: wrote the best strokes so far to ${path} (a new file; ${lossText})` };
  if (losses.lossFinal < losses.lossInitial)
    return { write: true, why: `interrupted: replaced ${path} with the best strokes so far (they beat the initial strokes: ${lossText})` };
  return { write: false, why: `interrupted: kept the existing ${path} (the strokes so far do not beat the initial ones: ${lossText})` };
}
