import { describe, expect, it } from 'vitest';
import { borderTracing, inkMask, symmetricChamfer } from '../bench/_metrics.ts';

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
  const segment = (ax: number, ay: number, bx: number, by: number) => [0, 1, 2, 3].flatMap((k) => [ax + ((bx - ax) * k) / 3, ay + ((by - ay) * k) / 3]);

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
