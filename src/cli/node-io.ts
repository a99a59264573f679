// The file-system half of CliIo on Node (main.ts); tests replace any of it.
import { readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PathIo } from './output-plan.ts';
import type { WriteIo } from './write-outputs.ts';

/**
 * Creates and removes an empty file in `dir`: unlike access(W_OK), this also fails on a
 * read-only file system, and for root it asks the file system instead of the mode bits.
 */
async function probeWritable(dir: string): Promise<void> {
  const probe = join(dir, `.sketchify-probe-${process.pid}`);
  await writeFile(probe, '', { flag: 'wx' });
  await rm(probe, { force: true });
}

export function nodeFileIo(): PathIo & WriteIo & { readFile: (path: string) => Promise<Uint8Array> } {
  return {
    readFile: async (path) => new Uint8Array(await readFile(path)),
    writeFile: (path, data) => writeFile(path, data),
    rename: (from, to) => rename(from, to),
    removeFile: (path) => rm(path, { force: true }),
    realpath: (path) => realpath(path),
    isDirectory: async (path) => (await stat(path)).isDirectory(),
    checkWritableDir: probeWritable,
  };
}
