import { describe, expect, it } from 'vitest';
import { borderTracing, fidelityEdges, inkMask, symmetricChamfer } from '../../bench/_metrics.ts';
import { loadFixture } from '../../bench/_sketch-util.ts';
import { contentRect, preprocess } from '../../src/engine/preprocess/preprocess.ts';

describe('symmetricChamfer', () => {
  const size = 20;
  const line = (x: number) => {
    const m = new Uint8Array(size * size);
    for (let y = 0; y < size; y++) m[y * size + x] = 1;
    return m;
  };

  it('is 0 for identical masks and the offset for two parallel lines', () => {
    expect(symmetricChamfer(line(5), line(5), size)).toBe(0);
    expect(symmetricChamfer(line(5), line(8), size)).toBe(3);
  });

  it('averages both directions: an extra far point costs only one side', () => {
    const a = line(5);
    const b = line(5);
    b[0 * size + 15] = 1; // one point 10 px from the line
    expect(symmetricChamfer(a, b, size)).toBeCloseTo((0 + 10 / 21) / 2, 9);
    expect(symmetricChamfer(a, new Uint8Array(size * size), size)).toBe(Infinity);
  });

  it('ink mask thresholds at half ink', () => {
    expect(Array.from(inkMask(Float32Array.of(0, 0.49, 0.5, 1)))).toEqual([1, 1, 0, 0]);
  });
});

describe('borderTracing', () => {
  const rect = { x0: 0, y0: 40, x1: 224, y1: 184 };
  // Straight strokes: the 4 control points evenly on a segment.
  const segment = (ax: number, ay: number, bx: number, by: number) =>
    [0, 1, 2, 3].flatMap((k) => [ax + ((bx - ax) * k) / 3, ay + ((by - ay) * k) / 3]);

  it('counts strokes running along a padded side, not those crossing it or inside', () => {
    const points = [
      ...segment(20, 42, 120, 41), // along the top side, within 4 px: tracing
      ...segment(60, 10, 60, 120), // crosses the top side: a few samples near it only
      ...segment(30, 100, 150, 110), // inside
      ...segment(10, 186, 90, 186), // along the bottom side
    ];
    expect(borderTracing(points, rect, ['top']).tracing).toBe(1);
    const both = borderTracing(points, rect, ['top', 'bottom']);
    expect(both.tracing).toBe(2);
    expect(both.inkShare).toBeGreaterThan(0.5);
    expect(both.inkShare).toBeLessThan(0.6);
    expect(borderTracing(points, rect, []).tracing).toBe(0);
  });
});

describe('fidelityEdges', () => {
  const iou = (a: Uint8Array, b: Uint8Array) => {
    let inter = 0,
      union = 0;
    for (let i = 0; i < a.length; i++) {
      inter += a[i] & b[i];
      union += a[i] | b[i];
    }
    return inter / union;
  };

  it('sees the same edges in a photo dimmed to 30 %, where raw XDoG loses them', () => {
    const pre = preprocess(loadFixture('chelsea.png'), 224);
    const bright = fidelityEdges(pre, 224);
    const dim = fidelityEdges({ ...pre, gray: pre.gray.map((v) => 0.3 * v) }, 224);
    expect(bright.edges.reduce((s, v) => s + v, 0)).toBeGreaterThan(1000);
    // Measured: 0.84 (normalized) against 0.00 (raw: no edge pixel left).
    expect(iou(bright.edges, dim.edges)).toBeGreaterThan(0.75);
    expect(iou(bright.rawEdges, dim.rawEdges)).toBeLessThan(0.1);
  });

  it('has no edges on the white padding of a non-square photo', () => {
    const pre = preprocess(loadFixture('chelsea.png'), 224);
    const { edges } = fidelityEdges(pre, 224);
    const { y0, y1 } = contentRect(pre.map);
    expect(y0).toBeGreaterThan(10);
    for (let i = 0; i < edges.length; i++) {
      const y = Math.floor(i / 224);
      if (y < y0 || y >= y1) expect(edges[i]).toBe(0);
    }
  });
});
