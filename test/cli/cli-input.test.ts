// Inputs the CLI refuses in plain words (exit 3), large images downscaled right after
// decoding, and one set of limits for the plugin, the engine and the CLI.
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.ts';
import { decodeImage } from '../../src/cli/decode.ts';
import { runCli } from '../../src/cli/run.ts';
import { resolveOptions } from '../../src/engine/options.ts';
import { blankImageReason, downscaleToFit } from '../../src/engine/preprocess/downscale.ts';
import { validateImage } from '../../src/engine/preprocess/image.ts';
import { MAX_IMAGE_SIDE, MAX_SERIES, MAX_STROKES } from '../../src/common/limits.ts';
import { UI_TO_PLUGIN } from '../../src/common/protocol.ts';
import { fakeIo } from '../helpers/cli-io.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));

function png(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Uint8Array {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) image.data.set(pixel(x, y), 4 * (y * width + x));
  return new Uint8Array(PNG.sync.write(image));
}

describe('images with nothing to sketch: exit 3, before the model loads', () => {
  it.each([
    ['white', png(64, 48, () => [255, 255, 255, 255]), /the image is blank \(one uniform colour\)/],
    ['uniform grey', png(64, 48, () => [120, 120, 120, 255]), /blank/],
    ['grey with faint noise', png(64, 48, (x, y) => [120 + ((x * 7 + y * 3) % 2), 120, 120, 255]), /blank/],
    ['fully transparent, colour underneath', png(64, 48, (x) => [x * 4, 0, 200, 0]), /the image is fully transparent/],
    ['transparent except invisible-white', png(64, 48, (x) => (x < 10 ? [255, 255, 255, 255] : [0, 0, 0, 0])), /blank/],
  ])('%s', async (_name, bytes, message) => {
    const { io, err } = fakeIo({ 'x.png': bytes });
    let loads = 0;
    io.loadModel = async () => (loads++, Promise.reject(new Error('not reached')));
    expect(await runCli(['x.png', '-o', 'x.svg'], io)).toBe(3);
    expect(err.join('')).toMatch(message);
    expect(loads).toBe(0);
  });

  it.each([
    ['one thin dark line on white', png(400, 300, (x, y) => (y === 150 ? [0, 0, 0, 255] : [255, 255, 255, 255]))],
    ['a photo', decodeImage(fixture('horse.png'))],
  ])('accepts %s', (_name, image) => {
    const decoded = image instanceof Uint8Array ? decodeImage(image) : image;
    expect(blankImageReason(decoded)).toBeNull();
  });
});

describe('decoder errors in plain words', () => {
  it.each([
    ['PNG cut short', fixture('horse.png').slice(0, 300), /corrupt PNG file: it is cut short or damaged, so it cannot be decoded/],
    ['JPEG cut short', fixture('rocket.jpg').slice(0, 400), /corrupt JPEG file: it is cut short or damaged/],
  ])('%s', async (_name, bytes, message) => {
    const { io, err } = fakeIo({ 'x.img': bytes });
    expect(await runCli(['x.img', '-o', 'x.svg'], io)).toBe(3);
    const text = err.join('');
    expect(text).toMatch(message);
    expect(text).not.toMatch(/waitng|finished stream|SOI|marker|unexpected end/i); // the decoders' own words
  });
});

describe('large images', () => {
  it.each([
    [
      'opaque 2x2 blocks average',
      [
        [0, 0, 0, 255],
        [255, 255, 255, 255],
        [255, 255, 255, 255],
        [0, 0, 0, 255],
      ],
      [128, 128, 128, 255],
    ],
    [
      'transparent pixels do not tint',
      [
        [0, 0, 0, 255],
        [255, 0, 0, 0],
        [255, 0, 0, 0],
        [0, 0, 0, 255],
      ],
      [0, 0, 0, 128],
    ],
    [
      'fully transparent stays so',
      [
        [9, 9, 9, 0],
        [9, 9, 9, 0],
        [9, 9, 9, 0],
        [9, 9, 9, 0],
      ],
      [0, 0, 0, 0],
    ],
  ])('downscaleToFit: %s', (_name, pixels, expected) => {
    const image = { width: 2, height: 2, data: Uint8Array.from(pixels.flat()) };
    const out = downscaleToFit(image, 1);
    expect([out.width, out.height, ...out.data]).toEqual([1, 1, ...expected]);
    expect(downscaleToFit(image, 2)).toBe(image); // fits: untouched
  });

  it('are downscaled to MAX_IMAGE_SIDE right after decoding; the SVG keeps the file size and its points stay inside', async () => {
    const width = MAX_IMAGE_SIDE + 904,
      height = 120; // 5000 x 120
    const bytes = png(width, height, (x, y) => (Math.abs(y - 60 - 40 * Math.sin(x / 300)) < 3 ? [0, 0, 0, 255] : [255, 255, 255, 255]));
    const decoded = decodeImage(bytes);
    expect([decoded.width, decoded.sourceWidth, decoded.sourceHeight]).toEqual([MAX_IMAGE_SIDE, width, height]);
    expect(decoded.data.length).toBe(decoded.width * decoded.height * 4);
    const { io, written } = fakeIo({ 'wide.png': bytes });
    expect(await runCli(['wide.png', '--iterations', '3', '--seeds', '1', '--strokes', '6', '-o', 'w.svg'], io)).toBe(0);
    const svg = String(written['w.svg']);
    expect(svg).toMatch(new RegExp(`viewBox="0 0 ${width} ${height}"`));
    const numbers = [...svg.matchAll(/d="M ([^"]+)"/g)].flatMap((m) => m[1].replace('C ', '').split(' ').map(Number));
    expect(numbers).toHaveLength(6 * 8);
    const outside = numbers.filter((v, i) => v < 0 || v > (i % 2 === 0 ? width : height));
    expect(outside).toEqual([]);
  });
});

describe('one set of limits', () => {
  const strokes = (n: number) => Array.from({ length: n }, () => [0, 0, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3]);
  const series = (count: number, n: number) => ({
    nodeId: '1:2',
    canvasSize: 224,
    color: { r: 0, g: 0, b: 0 },
    layout: 'per-stroke',
    placement: 'beside',
    sketches: Array.from({ length: count }, () => ({ strokes: strokes(n), width: 3 })),
  });
  const pluginAccepts = (payload: unknown) => {
    try {
      UI_TO_PLUGIN.insertSeries.request(payload, 'payload');
      return true;
    } catch {
      return false;
    }
  };
  const cliAccepts = (argv: string[]) => {
    try {
      parseArgs(argv);
      return true;
    } catch {
      return false;
    }
  };

  it.each([
    ['MAX_STROKES strokes', MAX_STROKES, true],
    ['one stroke more', MAX_STROKES + 1, false],
  ])('%s: plugin, engine and CLI agree', (_name, n, ok) => {
    expect(pluginAccepts(series(1, n))).toBe(ok);
    expect(cliAccepts(['a.png', '--strokes', String(n)])).toBe(ok);
    expect(cliAccepts(['a.png', '--series', String(n), '-o', 'a.svg'])).toBe(ok);
    if (ok) expect(resolveOptions({ strokes: n }).strokes).toBe(n);
    else expect(() => resolveOptions({ strokes: n })).toThrow(`'strokes' must be between 1 and ${MAX_STROKES}`);
  });

  it.each([
    ['MAX_SERIES sketches', MAX_SERIES, true],
    ['one sketch more', MAX_SERIES + 1, false],
  ])('%s: plugin and CLI agree', (_name, count, ok) => {
    expect(pluginAccepts(series(count, 4))).toBe(ok);
    expect(cliAccepts(['a.png', '--series', Array.from({ length: count }, (_, i) => i + 1).join(','), '-o', 'a.svg'])).toBe(ok);
  });

  it('the engine works on at most MAX_IMAGE_SIDE a side, the size the plugin accepts and the CLI downscales to', () => {
    const image = (w: number) => ({ width: w, height: 16, data: new Uint8Array(w * 16 * 4) });
    expect(() => validateImage(image(MAX_IMAGE_SIDE))).not.toThrow();
    expect(() => validateImage(image(MAX_IMAGE_SIDE + 1))).toThrow(`at most ${MAX_IMAGE_SIDE} px`);
  });
});
