// A CliIo over in-memory files for fast CLI tests (runCli without a process or a disk).
import { extname, resolve } from 'node:path';
import type { CliIo } from '../../src/cli/run.ts';
import { createPixelLossModel } from './engine-pixel-model.ts';

/** CliIo over in-memory files: every path without an extension is an existing, writable directory. */
export function fakeIo(files: Record<string, Uint8Array>, extra: Partial<CliIo> = {}) {
  const out: string[] = [],
    err: string[] = [];
  const written: Record<string, string | Uint8Array> = {};
  const enoent = () => Object.assign(new Error('no such file'), { code: 'ENOENT' });
  const isFile = (path: string) => path in files || path in written;
  const io: CliIo = {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    isTTY: false,
    columns: 80,
    env: {},
    readFile: async (path) => {
      if (!(path in files)) throw enoent();
      return files[path];
    },
    writeFile: async (path, data) => {
      written[path] = data;
    },
    rename: async (from, to) => {
      written[to] = written[from];
      delete written[from];
    },
    removeFile: async (path) => {
      delete written[path];
    },
    realpath: async (path) => {
      if (isFile(path) || extname(path) === '') return resolve(path);
      throw enoent();
    },
    isDirectory: async (path) => !isFile(path),
    checkWritableDir: async () => undefined,
    loadModel: async (id) => {
      if (id !== 'embedded') throw new Error('no network');
      return createPixelLossModel(48, 'embedded');
    },
    version: '0.1.0',
    ...extra,
  };
  return { io, out, err, written };
}
