// --series, several images with -d, progress without a terminal, and the --json fields.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createProgressLines } from '../../src/cli/progress.ts';
import { runCli } from '../../src/cli/run.ts';
import type { SketchProgress } from '../../src/engine/result.ts';
import { seriesSlotX, seriesWidth } from '../../src/common/series.ts';
import { fakeIo } from '../helpers/cli-io.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
const FAST = ['--iterations', '2', '--seeds', '1'];
const paths = (svg: string) => (svg.match(/<path /g) ?? []).length;
const groups = (svg: string) => [...svg.matchAll(/<g( transform="translate\(([\d.]+) 0\)")? fill/g)].map((m) => Number(m[2] ?? 0));

describe('--series', () => {
  it('-o: one SVG with the sketches side by side, spaced as the plugin inserts them', async () => {
    const { io, written } = fakeIo({ 'horse.png': fixture('horse.png') });
    expect(await runCli(['horse.png', ...FAST, '--series', '2,3,5', '-o', 's.svg'], io)).toBe(0);
    const svg = String(written['s.svg']);
    const width = seriesWidth(3, 224);
    expect(svg).toMatch(new RegExp(`viewBox="0 0 ${width} 184"`));
    expect(groups(svg)).toEqual([0, seriesSlotX(1, 224), seriesSlotX(2, 224)]);
    expect(paths(svg)).toBe(2 + 3 + 5);
    expect(Object.keys(written)).toEqual(['s.svg']);
  });

  it('-d: the series SVG plus one file per count; --json lists every path', async () => {
    const { io, written, out } = fakeIo({ 'horse.png': fixture('horse.png') });
    expect(await runCli(['horse.png', ...FAST, '--series', '2,4', '-d', 'out', '--json', '--seed', '7'], io)).toBe(0);
    expect(Object.keys(written).sort()).toEqual(['out/horse-2.svg', 'out/horse-4.svg', 'out/horse.svg']);
    expect(paths(String(written['out/horse-2.svg']))).toBe(2);
    expect(paths(String(written['out/horse-4.svg']))).toBe(4);
    expect(paths(String(written['out/horse.svg']))).toBe(6);
    const json = JSON.parse(out.join(''));
    expect(json).toMatchObject({ input: 'horse.png', svg: 'out/horse.svg', seed: 7, cancelled: false });
    expect(json.written.sort()).toEqual(['out/horse-2.svg', 'out/horse-4.svg', 'out/horse.svg']);
    expect(json.sketches.map((s: { strokes: number; svg: string; seed: number }) => [s.strokes, s.svg, s.seed])).toEqual([
      [2, 'out/horse-2.svg', 7],
      [4, 'out/horse-4.svg', 7],
    ]);
  });
});

describe('several images with -d', () => {
  it('writes one SVG per image, one JSON line each, and loads the model once', async () => {
    const { io, written, out, err } = fakeIo({ 'horse.png': fixture('horse.png'), 'rocket.jpg': fixture('rocket.jpg') });
    let loads = 0;
    const load = io.loadModel;
    io.loadModel = (id, note) => (loads++, load(id, note));
    expect(await runCli(['horse.png', 'rocket.jpg', ...FAST, '--strokes', '3', '-d', 'out', '--json'], io)).toBe(0);
    expect(Object.keys(written).sort()).toEqual(['out/horse.svg', 'out/rocket.svg']);
    expect(String(written['out/rocket.svg'])).toMatch(/viewBox="0 0 224 149"/);
    const lines = out
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.input, l.svg, l.written])).toEqual([
      ['horse.png', 'out/horse.svg', ['out/horse.svg']],
      ['rocket.jpg', 'out/rocket.svg', ['out/rocket.svg']],
    ]);
    expect(loads).toBe(1);
    expect(err.join('')).toMatch(/\[1\/2\] horse.png: .*\n[\s\S]*\[2\/2\] rocket.jpg: /);
  });

  it('an unusable image is skipped with a message, the others are sketched, exit 3', async () => {
    const { io, written, err, out } = fakeIo({ 'bad.png': new TextEncoder().encode('not an image'), 'horse.png': fixture('horse.png') });
    expect(await runCli(['bad.png', 'horse.png', ...FAST, '-d', 'out', '--json'], io)).toBe(3);
    expect(err.join('')).toMatch(/error: bad.png: not a PNG or JPEG file .*\(skipped\)/);
    expect(Object.keys(written)).toEqual(['out/horse.svg']);
    const lines = out
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.input, l.error ?? l.svg])).toEqual([
      ['bad.png', 'bad.png: not a PNG or JPEG file (unrecognized header)'],
      ['horse.png', 'out/horse.svg'],
    ]);
  });
});

describe('progress when stderr is not a terminal', () => {
  const event = (iteration: number, iterations = 100): SketchProgress => ({
    phase: 'optimize',
    iteration,
    iterations,
    loss: 1,
    bestLoss: 0.5,
    elapsedMs: 1000,
    etaMs: 0,
    points: new Float32Array(8),
    unitPoints: new Float32Array(8),
  });

  it.each([
    ['every event', [...Array(101).keys()], [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]],
    ['sparse events: the decile reached', [0, 5, 27, 28, 64, 100], [20, 60, 100]],
    ['stopped early at 43 %', [3, 12, 43], [10, 40]],
  ])('one line per 10 %%: %s', (_name, iterations, expected) => {
    const lines: string[] = [];
    const progress = createProgressLines((s) => lines.push(s), 'horse.png');
    for (const it of iterations) progress.update(event(it));
    expect(lines.map((l) => Number(/^horse.png: (\d+)%/.exec(l)?.[1]))).toEqual(expected);
    expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
  });

  it('a whole run without a terminal prints plain lines, never a redrawn bar', async () => {
    const { io, err } = fakeIo({ 'horse.png': fixture('horse.png') });
    expect(await runCli(['horse.png', '--iterations', '10', '--seeds', '1', '--strokes', '3', '-o', 'o.svg'], io)).toBe(0);
    const text = err.join('');
    expect(text).toMatch(/^horse.png: 100% \(10\/10 iterations, best loss/m); // the last iteration always reports
    expect(text).not.toContain('\r');
  });
});

describe('--json', () => {
  it('reports the SVG path written, the seed asked for and the winning internal seed', async () => {
    const { io, out } = fakeIo({ 'horse.png': fixture('horse.png') });
    expect(
      await runCli(['horse.png', '--iterations', '2', '--seeds', '3', '--seed', '40', '--strokes', '3', '-o', 'h.svg', '--json'], io),
    ).toBe(0);
    const json = JSON.parse(out.join(''));
    expect(json).toMatchObject({ input: 'horse.png', svg: 'h.svg', written: ['h.svg'], png: null, seed: 40, strokes: 3, iterations: 2 });
    expect([40, 41, 42]).toContain(json.winning_seed);
  });

  it('without -o or -d is a usage error, before any work', async () => {
    const { io, err } = fakeIo({ 'horse.png': fixture('horse.png') });
    expect(await runCli(['horse.png', '--json'], io)).toBe(2);
    expect(err.join('')).toMatch(/--json needs -o FILE or -d DIR/);
  });
});
