// --init / --freeze / --add / --remove and --nested: reading a Sketchify SVG back exactly,
// continuing it, and a nested series whose levels share strokes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DecodedImage } from '../../src/cli/decode.ts';
import { InitSvgError, parseSketchSvg, restoreFrozen, strokesForImage } from '../../src/cli/init-svg.ts';
import { runCli } from '../../src/cli/run.ts';
import { toSeriesSvg, toSvg } from '../../src/engine/svg.ts';
import { fakeIo } from '../helpers/cli-io.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
const FAST = ['--iterations', '4', '--seeds', '1'];
const pathsOf = (svg: string) => [...svg.matchAll(/<path d="([^"]*)"\/>/g)].map((m) => m[1]);
const sketch = (points: number[], imageWidth = 100, imageHeight = 80) => ({
  points: Float32Array.from(points),
  width: 2,
  imageWidth,
  imageHeight,
});
const TWO = [10.25, 20.5, 30, 40.75, 50.125, 60, 70, 79.99, 1, 2, 3, 4, 5, 6, 7, 8];

describe('reading a Sketchify SVG (--init)', () => {
  it('reads back the strokes toSvg wrote, to its two decimals', () => {
    for (const background of [false, true]) {
      const svg = parseSketchSvg(toSvg(sketch(TWO), { background }), 'a.svg');
      expect([svg.width, svg.height]).toEqual([100, 80]);
      expect(svg.points).toEqual(TWO.map((v) => Math.round(Math.fround(v) * 100) / 100));
    }
    // Written again, the same numbers give the same path text (a frozen stroke survives round trips).
    const again = parseSketchSvg(toSvg(sketch(parseSketchSvg(toSvg(sketch(TWO)), 'a.svg').points)), 'b.svg');
    expect(pathsOf(toSvg(sketch(again.points)))).toEqual(pathsOf(toSvg(sketch(TWO))));
  });

  it.each([
    ['a series SVG', toSeriesSvg([sketch(TWO), sketch(TWO)]), /holds 2 sketches side by side \(a --series SVG\)/],
    ['not SVG', 'hello', /not an SVG/],
    ['another element', '<svg width="10" height="10" viewBox="0 0 10 10"><circle r="2"/></svg>', /holds a <circle> element/],
    [
      'a line path',
      '<svg width="10" height="10" viewBox="0 0 10 10"><g><path d="M 1 2 L 3 4"/></g></svg>',
      /path 1 is 'M 1 2 L 3 4': each stroke must be one cubic/,
    ],
    [
      'two cubics in one path',
      '<svg width="10" height="10" viewBox="0 0 10 10"><g><path d="M 1 2 C 1 2 3 4 5 6 C 1 2 3 4 5 6"/></g></svg>',
      /path 1 is/,
    ],
    [
      'another frame',
      '<svg width="10" height="10" viewBox="0 0 20 20"><g><path d="M 1 2 C 1 2 3 4 5 6"/></g></svg>',
      /viewBox '0 0 20 20' is not '0 0 10 10'/,
    ],
    ['no size', '<svg viewBox="0 0 10 10"><g></g></svg>', /no positive width and height/],
    ['no stroke', '<svg width="10" height="10" viewBox="0 0 10 10"><g></g></svg>', /holds no stroke/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseSketchSvg(text, 'x.svg')).toThrow(InitSvgError);
    expect(() => parseSketchSvg(text, 'x.svg')).toThrow(message);
  });

  it('maps a downscaled image exactly and restores frozen strokes to the SVG numbers', () => {
    const svg = parseSketchSvg(toSvg(sketch(TWO, 200, 160)), 'a.svg');
    const image = { width: 100, height: 80, sourceWidth: 200, sourceHeight: 160, data: new Uint8Array(0) } as DecodedImage;
    expect(strokesForImage(svg, image, 'a.svg', 'big.png')).toEqual(svg.points.map((v) => v / 2));
    expect(() => strokesForImage(svg, { ...image, sourceWidth: 201 }, 'a.svg', 'big.png')).toThrow(
      /a.svg is 200x160 px but big.png is 201x160/,
    );
    // Output stroke 0 is added, 1 continues initial stroke 1 (frozen), 2 continues stroke 0 (free).
    const result = Float32Array.from({ length: 24 }, (_, i) => i + 0.3);
    const restored = restoreFrozen(result, [-1, 1, 0], [1], svg);
    expect(Array.from(restored.slice(8, 16))).toEqual(Array.from(Float32Array.from(svg.points.slice(8, 16))));
    expect(Array.from(restored.slice(0, 8))).toEqual(Array.from(result.slice(0, 8)));
    expect(Array.from(restored.slice(16))).toEqual(Array.from(result.slice(16)));
  });
});

describe('sketchify --init', () => {
  it('continues a sketch: frozen paths are written unchanged, the others move, added ones follow', async () => {
    const { io, written, out } = fakeIo({ 'horse.png': fixture('horse.png') });
    expect(await runCli(['horse.png', ...FAST, '--strokes', '4', '-o', 'a.svg'], io)).toBe(0);
    const first = String(written['a.svg']);
    const {
      io: io2,
      written: written2,
      out: out2,
    } = fakeIo({ 'horse.png': fixture('horse.png'), 'a.svg': new TextEncoder().encode(first) });
    expect(await runCli(['horse.png', ...FAST, '--init', 'a.svg', '--freeze', '1,3', '--add', '2', '-o', 'b.svg', '--json'], io2)).toBe(0);
    const before = pathsOf(first),
      after = pathsOf(String(written2['b.svg']));
    expect(after).toHaveLength(6);
    expect([after[0], after[2]]).toEqual([before[0], before[2]]);
    expect([after[1], after[3]]).not.toEqual([before[1], before[3]]);
    const json = JSON.parse(out2.join(''));
    expect(json).toMatchObject({ input: 'horse.png', init: 'a.svg', strokes: 6, origin: [0, 1, 2, 3, -1, -1] });
    expect(json.loss_final).toBeLessThanOrEqual(json.loss_initial);
    expect(out).toEqual([]);
  });

  it('--remove drops strokes and reports their origin', async () => {
    const files = {
      'horse.png': fixture('horse.png'),
      'a.svg': new TextEncoder().encode(toSvg(sketch([...TWO, ...TWO, ...TWO], 224, 184))),
    };
    const { io, written, out } = fakeIo(files);
    expect(await runCli(['horse.png', ...FAST, '--init', 'a.svg', '--remove', '3', '-o', 'b.svg', '--json'], io)).toBe(0);
    expect(pathsOf(String(written['b.svg']))).toHaveLength(3);
    expect(JSON.parse(out.join('')).origin).toHaveLength(3);
  });

  it.each([
    [['--init', 'a.svg', '--freeze', '9', '-o', 'b.svg'], 2, /--freeze 9: a.svg holds 2 strokes/],
    [['--init', 'a.svg', '--remove', '3', '-o', 'b.svg'], 2, /--init a.svg: option 'remove' \(3\) exceeds the 2 initial strokes/],
    [
      ['--init', 'a.svg', '--add', '2', '--strokes', '3', '-o', 'b.svg'],
      2,
      /'strokes' \(3\) does not match 2 initial strokes - remove 0 \+ add 2 = 4/,
    ],
    [['--init', 'missing.svg', '-o', 'b.svg'], 3, /cannot read --init missing.svg: ENOENT/],
    [['--init', 'wrong.svg', '-o', 'b.svg'], 3, /--init wrong.svg is 100x80 px but horse.png is 224x184/],
    [['--init', 'series.svg', '-o', 'b.svg'], 3, /a --series SVG/],
  ])('%j exits %i', async (argv, code, message) => {
    // (An output that is the --init file: test/cli/cli-files.test.ts, on real files.)
    const files = {
      'horse.png': fixture('horse.png'),
      'a.svg': new TextEncoder().encode(toSvg(sketch(TWO, 224, 184))),
      'wrong.svg': new TextEncoder().encode(toSvg(sketch(TWO))),
      'series.svg': new TextEncoder().encode(toSeriesSvg([sketch(TWO, 224, 184), sketch(TWO, 224, 184)])),
    };
    const { io, err, written } = fakeIo(files);
    expect(await runCli(['horse.png', ...FAST, ...argv], io)).toBe(code);
    expect(err.join('')).toMatch(message);
    expect(written).toEqual({});
  });
});

describe('sketchify --series --nested', () => {
  it('writes the levels in the order asked; each smaller level continues strokes of the level above', async () => {
    const { io, written, out, err } = fakeIo({ 'horse.png': fixture('horse.png') });
    expect(await runCli(['horse.png', ...FAST, '--series', '2,3,6', '--nested', '-d', 'out', '--json'], io)).toBe(0);
    expect(Object.keys(written).sort()).toEqual(['out/horse-2.svg', 'out/horse-3.svg', 'out/horse-6.svg', 'out/horse.svg']);
    const json = JSON.parse(out.join(''));
    expect(json.nested).toBe(true);
    const [two, three, six] = json.sketches;
    expect([two.strokes, three.strokes, six.strokes]).toEqual([2, 3, 6]);
    expect([two.svg, three.svg, six.svg]).toEqual(['out/horse-2.svg', 'out/horse-3.svg', 'out/horse-6.svg']);
    expect(six.origin).toBeUndefined();
    expect(three.origin).toHaveLength(3);
    expect(three.origin.every((o: number) => o >= 0 && o < 6)).toBe(true);
    expect(two.origin.every((o: number) => o >= 0 && o < 3)).toBe(true);
    expect(pathsOf(String(written['out/horse.svg']))).toHaveLength(11);
    // Progress lines name each level, largest first.
    const order = ['6 strokes (nested)', '3 strokes (nested)', '2 strokes (nested)'].map((label) => err.join('').indexOf(label));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});
