import { describe, expect, it } from 'vitest';
import { evalCubic } from '../../src/engine/geometry/bezier.ts';
import { outlineStrokeCount, strokesAlong, traceOutline } from '../../src/engine/init/contour.ts';

const SIZE = 64;

function disc(cx: number, cy: number, r: number): Float32Array {
  const m = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) m[y * SIZE + x] = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r ? 1 : 0;
  return m;
}

describe('strokes along the subject outline', () => {
  it('traces the outer boundary of the largest blob, in order, closing on itself', () => {
    const mask = disc(30, 34, 20);
    mask[2 * SIZE + 2] = 1; // a one-pixel speck elsewhere is not the subject
    const outline = traceOutline(mask, SIZE);
    const n = outline.length / 2;
    expect(n).toBeGreaterThan(100);
    for (let i = 0; i < n; i++) {
      const r = Math.hypot(outline[2 * i] - 30, outline[2 * i + 1] - 34);
      expect(r).toBeGreaterThan(18);
      expect(r).toBeLessThan(20.5);
      const j = (i + 1) % n; // consecutive points are neighbours (8-connected)
      expect(Math.max(Math.abs(outline[2 * j] - outline[2 * i]), Math.abs(outline[2 * j + 1] - outline[2 * i + 1]))).toBeLessThanOrEqual(1);
    }
    expect(traceOutline(new Float32Array(SIZE * SIZE), SIZE)).toHaveLength(0);
  });

  it('cuts the outline into equal arcs whose Beziers follow it', () => {
    const outline = traceOutline(disc(32, 32, 24), SIZE);
    for (const phase of [0, 0.37]) {
      const strokes = strokesAlong(outline, 4, phase);
      expect(strokes).toHaveLength(32);
      for (let s = 0; s < 4; s++) {
        for (const t of [0, 0.25, 0.5, 0.75, 1]) {
          const [x, y] = evalCubic(strokes, s, t);
          expect(Math.abs(Math.hypot(x - 32, y - 32) - 23.5)).toBeLessThan(1.5);
        }
        // Consecutive strokes meet: the arcs tile the outline.
        const next = (s + 1) % 4;
        expect(Math.hypot(strokes[8 * s + 6] - strokes[8 * next], strokes[8 * s + 7] - strokes[8 * next + 1])).toBeLessThan(1e-3);
      }
    }
  });

  it('puts every stroke of a few on the outline, a quarter (at least 4) of many', () => {
    expect([1, 4, 8, 16, 32].map(outlineStrokeCount)).toEqual([1, 4, 4, 4, 8]);
  });
});
