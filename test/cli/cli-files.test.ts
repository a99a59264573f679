// The CLI never loses a file: outputs are checked before any work, written through a
// temporary name, and an interrupt replaces an existing file only with better strokes.
// Real files in a temporary directory (nodeFileIo), failures injected where a machine cannot
// produce them on demand (root ignores mode bits; no full disk at hand).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeFileIo } from '../../src/cli/node-io.ts';
import { runCli, type CliIo } from '../../src/cli/run.ts';
import { interruptedWriteDecision, pendingTemporaryFiles, writeFileAtomic } from '../../src/cli/write-outputs.ts';
import { createPixelLossModel } from '../helpers/engine-pixel-model.ts';

const HORSE = readFileSync(new URL('../fixtures/horse.png', import.meta.url));
const FAST = ['--iterations', '2', '--seeds', '1', '--strokes', '4'];
const GOOD = '<svg>a good earlier sketch</svg>';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sketchify-cli-'));
  writeFileSync(join(dir, 'horse.png'), HORSE);
  writeFileSync(join(dir, 'good.svg'), GOOD);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Real files; counts the work done (reads of the input, model loads). */
function realIo(extra: Partial<CliIo> = {}) {
  const err: string[] = [];
  const work = { reads: 0, modelLoads: 0 };
  const files = nodeFileIo();
  const io: CliIo = {
    ...files,
    stdout: () => undefined,
    stderr: (s) => err.push(s),
    isTTY: false,
    columns: 80,
    env: {},
    readFile: (path) => {
      work.reads++;
      return files.readFile(path);
    },
    loadModel: async () => {
      work.modelLoads++;
      return createPixelLossModel(48, 'embedded');
    },
    version: '0',
    ...extra,
  };
  return { io, err, work };
}

const p = (name: string) => join(dir, name);
const leftovers = () => readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.startsWith('.sketchify-probe'));

describe('output paths are checked before any work', () => {
  it.each([
    [
      'output is the input',
      () => ['horse.png', '-o', 'horse.png'],
      2,
      /output .*horse.png is the input .*horse.png: choose another output name/,
    ],
    [
      'output is a symlink to the input',
      () => (symlinkSync(p('horse.png'), p('link.svg')), ['horse.png', '-o', 'link.svg']),
      2,
      /link.svg is the input/,
    ],
    [
      'output is the --init file',
      () => ['horse.png', '--init', 'good.svg', '-o', 'good.svg'],
      2,
      /output .*good.svg is the --init file .*good.svg: choose another output name/,
    ],
    [
      'output is a symlink to the --init file',
      () => (symlinkSync(p('good.svg'), p('link.svg')), ['horse.png', '--init', 'good.svg', '-o', 'link.svg']),
      2,
      /link.svg is the --init file/,
    ],
    ['--png is the SVG', () => ['horse.png', '-o', 'x.svg', '--png', 'x.svg'], 2, /output .*x.svg is the same file as output .*x.svg/],
    [
      'two images, one name in -d',
      () => (mkdirSync(p('a')), writeFileSync(p('a/horse.jpg'), HORSE), mkdirSync(p('out')), ['horse.png', 'a/horse.jpg', '-d', 'out']),
      2,
      /out\/horse.svg is the same file as output/,
    ],
    [
      'missing directory',
      () => ['horse.png', '-o', 'nowhere/x.svg'],
      1,
      /cannot write .*nowhere\/x.svg: the directory .*nowhere does not exist/,
    ],
    ['output is a directory', () => (mkdirSync(p('d.svg')), ['horse.png', '-o', 'd.svg']), 1, /d.svg: it is a directory/],
  ])('%s: refused, no input read, no model loaded', async (_name, argv, code, message) => {
    const args = argv().map((a) => (a.startsWith('-') ? a : p(a)));
    const { io, err, work } = realIo();
    expect(await runCli(args, io)).toBe(code);
    expect(err.join('')).toMatch(message);
    expect(work).toEqual({ reads: 0, modelLoads: 0 });
    expect(readFileSync(p('horse.png')).equals(HORSE)).toBe(true);
  });

  it('an unwritable directory is refused before any work (exit 1)', async () => {
    const denied = Object.assign(new Error('denied'), { code: 'EACCES' });
    const { io, err, work } = realIo({ checkWritableDir: async () => Promise.reject(denied) });
    expect(await runCli([p('horse.png'), ...FAST, '-o', p('out.svg')], io)).toBe(1);
    expect(err.join('')).toMatch(/cannot write in .*: EACCES/);
    expect(work).toEqual({ reads: 0, modelLoads: 0 });
  });

  it('the real writability probe leaves nothing behind and lets a normal run write', async () => {
    const { io, work } = realIo();
    expect(await runCli([p('horse.png'), ...FAST, '-o', p('out.svg')], io)).toBe(0);
    expect(readFileSync(p('out.svg'), 'utf8')).toMatch(/^<svg/);
    expect(work).toEqual({ reads: 1, modelLoads: 1 });
    expect(leftovers()).toEqual([]);
  });
});

describe('a failed write', () => {
  it.each([
    [
      'disk full half way through the write',
      {
        writeFile: async (path: string, data: string | Uint8Array) => {
          writeFileSync(path, typeof data === 'string' ? data.slice(0, data.length / 2) : data.subarray(0, data.length / 2));
          throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
        },
      },
      /cannot write .*good.svg: ENOSPC/,
    ],
    [
      'rename refused',
      { rename: async () => Promise.reject(Object.assign(new Error('busy'), { code: 'EBUSY' })) },
      /cannot write .*good.svg: EBUSY/,
    ],
  ])('%s: exit 1, the old file intact, no temporary file left', async (_name, fault, message) => {
    const { io, err } = realIo(fault as Partial<CliIo>);
    expect(await runCli([p('horse.png'), ...FAST, '-o', p('good.svg')], io)).toBe(1);
    expect(err.join('')).toMatch(message);
    expect(readFileSync(p('good.svg'), 'utf8')).toBe(GOOD);
    expect(leftovers()).toEqual([]);
  });

  it('writeFileAtomic writes through a hidden temporary name beside the target', async () => {
    const names: string[] = [];
    const files = nodeFileIo();
    await writeFileAtomic({ ...files, writeFile: (path, data) => (names.push(path), files.writeFile(path, data)) }, p('good.svg'), 'new');
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(new RegExp(`^${dir}/\\.good\\.svg\\.\\d+-\\d+\\.tmp$`));
    expect(readFileSync(p('good.svg'), 'utf8')).toBe('new');
  });

  it('lists the temporary file while it is written (a forced exit removes it), and forgets it after', async () => {
    const files = nodeFileIo();
    let during: string[] = [];
    await writeFileAtomic(
      { ...files, writeFile: (path, data) => ((during = pendingTemporaryFiles()), files.writeFile(path, data)) },
      p('good.svg'),
      'new',
    );
    expect(during).toHaveLength(1);
    expect(during[0]).toMatch(/\.good\.svg\.\d+-\d+\.tmp$/);
    expect(pendingTemporaryFiles()).toEqual([]);
  });
});

describe('an interrupted run', () => {
  // Aborted at the initial strokes: the best so far are the initial strokes themselves.
  const abortAtFirstProgress = (controller: AbortController, io: CliIo): CliIo => ({
    ...io,
    isTTY: true,
    stderr: (s) => (s.startsWith('\r') ? controller.abort() : io.stderr(s)),
  });

  it('keeps an existing file when the strokes do not beat the initial ones, and says so', async () => {
    const controller = new AbortController();
    const { io, err } = realIo({ signal: controller.signal });
    expect(
      await runCli(
        [p('horse.png'), '--iterations', '400', '--seeds', '1', '--strokes', '4', '-o', p('good.svg')],
        abortAtFirstProgress(controller, io),
      ),
    ).toBe(130);
    expect(readFileSync(p('good.svg'), 'utf8')).toBe(GOOD);
    expect(err.join('')).toMatch(
      /interrupted: kept the existing .*good.svg \(the strokes so far do not beat the initial ones: loss (\S+) -> \1\)/,
    );
    expect(leftovers()).toEqual([]);
  });

  it('writes a new file, and says it is new', async () => {
    const controller = new AbortController();
    const { io, err } = realIo({ signal: controller.signal });
    expect(
      await runCli(
        [p('horse.png'), '--iterations', '400', '--seeds', '1', '--strokes', '4', '-o', p('new.svg')],
        abortAtFirstProgress(controller, io),
      ),
    ).toBe(130);
    expect(readFileSync(p('new.svg'), 'utf8')).toMatch(/<path /);
    expect(err.join('')).toMatch(/interrupted: wrote the best strokes so far to .*new.svg \(a new file/);
  });

  it.each([
    ['new file', false, { lossInitial: 2, lossFinal: 2 }, true, /a new file/],
    [
      'existing file, better strokes',
      true,
      { lossInitial: 2, lossFinal: 1.5 },
      true,
      /replaced .* \(they beat the initial strokes: loss 2.0000 -> 1.5000\)/,
    ],
    ['existing file, no better', true, { lossInitial: 2, lossFinal: 2 }, false, /kept the existing/],
  ])('decision: %s', (_name, existed, losses, write, why) => {
    const decision = interruptedWriteDecision('x.svg', existed, losses);
    expect(decision.write).toBe(write);
    expect(decision.why).toMatch(why);
  });
});
