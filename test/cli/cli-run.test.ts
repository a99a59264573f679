import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeImage, detectFormat } from '../../src/cli/decode.ts';
import { runCli } from '../../src/cli/run.ts';
import { fakeIo } from '../helpers/cli-io.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));

const FAST = ['--iterations', '6', '--seeds', '1', '--views', '1', '--strokes', '4'];

describe('runCli', () => {
  it('sketches a PNG fixture: SVG file, PNG rendering and a JSON summary; exit 0', async () => {
    const { io, out, written } = fakeIo({ 'horse.png': fixture('horse.png') });
    const code = await runCli(['horse.png', ...FAST, '-o', 'out.svg', '--png', 'out.png', '--json'], io);
    expect(code).toBe(0);
    expect(String(written['out.svg'])).toMatch(/^<svg[^>]+viewBox="0 0 224 184"/);
    expect((String(written['out.svg']).match(/<path /g) ?? []).length).toBe(4);
    const png = PNG.sync.read(Buffer.from(written['out.png'] as Uint8Array));
    expect([png.width, png.height]).toEqual([224, 184]);
    expect(png.data.some((v, i) => i % 4 === 0 && v < 128)).toBe(true); // some ink
    const json = JSON.parse(out.join(''));
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['strokes', 'iterations', 'loss_initial', 'loss_final', 'ms_total', 'backend', 'model']),
    );
    expect(json).toMatchObject({ strokes: 4, iterations: 6, backend: 'cpu', model: 'embedded' });
    expect(json.loss_final).toBeLessThanOrEqual(json.loss_initial);
  });

  it('reads JPEG and writes the SVG to stdout without -o', async () => {
    const { io, out, err } = fakeIo({ 'rocket.jpg': fixture('rocket.jpg') });
    expect(await runCli(['rocket.jpg', ...FAST], io)).toBe(0);
    expect(out.join('')).toMatch(/^<svg/);
    expect(err.join('')).toMatch(/4 strokes, 6 iterations/);
  });

  it.each([
    ['usage error', ['--strokes', '500', 'x.png'], {}, 2, /usage error: option 'strokes' must be between 1 and 128/],
    ['out-of-range float', ['--width', '0.1', 'x.png'], {}, 2, /usage error: option 'width' must be between 0.25 and 32, got 0.1/],
    [
      'unknown model',
      ['h.png', '--model', 'nope'],
      { 'h.png': fixture('horse.png') },
      2,
      /usage error: unknown model 'nope': known models are embedded, clip-rn50, clip-rn101, clip-vit-b32/,
    ],
    ['missing file', ['missing.png'], {}, 3, /error: cannot read missing.png: ENOENT/],
    ['unsupported format', ['a.gif'], { 'a.gif': new TextEncoder().encode('GIF89a....') }, 3, /a.gif: unsupported image format GIF/],
    ['not an image', ['a.png'], { 'a.png': new TextEncoder().encode('hello world') }, 3, /not a PNG or JPEG file/],
    ['corrupt PNG', ['a.png'], { 'a.png': fixture('horse.png').slice(0, 200) }, 3, /corrupt PNG file/],
    [
      'image too small',
      ['s.png'],
      { 's.png': new Uint8Array(PNG.sync.write(new PNG({ width: 8, height: 40 }))) },
      3,
      /8x40: each side must be at least 16 px/,
    ],
    ['model fails to load', ['h.png', '--model', 'clip-rn50'], { 'h.png': fixture('horse.png') }, 1, /error: no network/],
  ])('%s', async (_name, argv, files, code, message) => {
    const { io, err } = fakeIo(files as Record<string, Uint8Array>);
    expect(await runCli(argv as string[], io)).toBe(code);
    expect(err.join('')).toMatch(message);
  });

  it('interrupted runs write the best strokes so far and exit 130', async () => {
    const early = new AbortController();
    early.abort();
    const a = fakeIo({ 'h.png': fixture('horse.png') }, { signal: early.signal });
    // Aborted before the first strokes: nothing to write, still 'interrupted'.
    expect(await runCli(['h.png', ...FAST, '-o', 'o.svg'], a.io)).toBe(130);
    expect(a.written['o.svg']).toBeUndefined();
    const late = new AbortController();
    const b = fakeIo({ 'h.png': fixture('horse.png') }, { signal: late.signal, isTTY: true });
    const argv = ['h.png', '--iterations', '400', '--seeds', '1', '--strokes', '4', '-o', 'o.svg'];
    const run = runCli(argv, { ...b.io, stderr: (s) => s.startsWith('\r') && late.abort() }); // at the first progress line
    expect(await run).toBe(130);
    expect(String(b.written['o.svg'])).toMatch(/<path /);
  });

  it('an unwritable output is a failure (1) with the path in the message', async () => {
    const { io, err } = fakeIo(
      { 'h.png': fixture('horse.png') },
      { writeFile: async () => Promise.reject(Object.assign(new Error('denied'), { code: 'EACCES' })) },
    );
    expect(await runCli(['h.png', ...FAST, '-o', '/ro/out.svg'], io)).toBe(1);
    expect(err.join('')).toMatch(/cannot write \/ro\/out.svg: EACCES/);
  });

  it('--json times the whole command: model load and the first preview inside ms_total', async () => {
    const slowLoad = 60;
    const { io, out } = fakeIo({ 'h.png': fixture('horse.png') });
    const load = io.loadModel;
    io.loadModel = async (id, note) => {
      await new Promise((r) => setTimeout(r, slowLoad));
      return load(id, note);
    };
    expect(await runCli(['h.png', ...FAST, '--json', '-o', 'h.svg'], io)).toBe(0);
    const json = JSON.parse(out.join(''));
    expect(json.ms_model_load).toBeGreaterThanOrEqual(slowLoad - 1);
    expect(json.ms_first_preview).toBeGreaterThanOrEqual(json.ms_model_load);
    expect(json.ms_total).toBeGreaterThanOrEqual(json.ms_first_preview);
  });

  it('prints help and version; colours only on a TTY without NO_COLOR', async () => {
    const a = fakeIo({});
    expect(await runCli(['--help'], a.io)).toBe(0);
    expect(a.out.join('')).toMatch(/Usage: sketchify <image>/);
    const b = fakeIo({}, { isTTY: true, env: { NO_COLOR: '1' } });
    expect(await runCli([], b.io)).toBe(2);
    expect(b.err.join('')).not.toContain('\x1b[');
    const c = fakeIo({}, { isTTY: true });
    await runCli([], c.io);
    expect(c.err.join('')).toContain('\x1b[31m');
  });
});

describe('decodeImage', () => {
  it('detects formats by magic bytes', () => {
    expect(detectFormat(fixture('horse.png'))).toBe('png');
    expect(detectFormat(fixture('rocket.jpg'))).toBe('jpeg');
    expect(() => detectFormat(new Uint8Array())).toThrow(/empty/);
    expect(() => detectFormat(new TextEncoder().encode('RIFF....WEBP'))).toThrow(/WebP/);
  });

  it('decodes PNG with alpha and JPEG to RGBA', () => {
    const horse = decodeImage(fixture('horse.png'));
    expect([horse.width, horse.height, horse.data.length]).toEqual([224, 184, 224 * 184 * 4]);
    expect(horse.data.some((v, i) => i % 4 === 3 && v < 255)).toBe(true);
    const rocket = decodeImage(fixture('rocket.jpg'));
    expect([rocket.width, rocket.height]).toEqual([224, 149]);
  });

  it('refuses images under 16 px a side, over the decode limit or too thin from the header', () => {
    const small = new PNG({ width: 8, height: 40 });
    expect(() => decodeImage(new Uint8Array(PNG.sync.write(small)))).toThrow(/8x40: each side must be at least 16 px/);
    const big = new Uint8Array(PNG.sync.write(new PNG({ width: 16, height: 16 })));
    new DataView(big.buffer).setUint32(16, 20000); // header says 20000 wide: refused before decoding
    expect(() => decodeImage(big)).toThrow(/20000x16: too long and thin to sketch/);
    new DataView(big.buffer).setUint32(20, 20000);
    expect(() => decodeImage(big)).toThrow(/20000x20000 \(400 megapixels\): at most 50 megapixels/);
    const jpg = jpeg.encode({ width: 12, height: 20, data: new Uint8Array(12 * 20 * 4) }, 80).data;
    expect(() => decodeImage(new Uint8Array(jpg))).toThrow(/12x20/);
  });

  it('reports a corrupt JPEG', () => {
    const jpg = fixture('rocket.jpg');
    expect(() => decodeImage(jpg.slice(0, 400))).toThrow(/corrupt JPEG file/);
  });
});
