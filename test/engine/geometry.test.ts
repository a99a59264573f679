import { describe, expect, it } from 'vitest';
import { evalCubic, flattenStroke, flatteningTable } from '../../src/engine/geometry/bezier.ts';
import { bboxIntersects, bboxOf, expandBBox, strokeControlBBox } from '../../src/engine/geometry/bbox.ts';
import { applyProjective, localScale, projectiveJacobian, squareToQuad } from '../../src/engine/geometry/projective.ts';

describe('cubic Bezier', () => {
  const pts = [0, 0, 10, 20, 30, 20, 40, 0];
  it('interpolates its end points and matches the de Casteljau midpoint', () => {
    expect(evalCubic(pts, 0, 0)).toEqual([0, 0]);
    expect(evalCubic(pts, 0, 1)).toEqual([40, 0]);
    // de Casteljau at 1/2: ((P0 + 3P1 + 3P2 + P3) / 8)
    expect(evalCubic(pts, 0, 0.5)).toEqual([(0 + 30 + 90 + 40) / 8, (0 + 60 + 60 + 0) / 8]);
  });

  it('flattens into S+1 vertices on the curve whose weights sum to 1', () => {
    const table = flatteningTable(8);
    expect(table.length).toBe(9 * 4);
    for (let k = 0; k <= 8; k++) expect(table[4 * k] + table[4 * k + 1] + table[4 * k + 2] + table[4 * k + 3]).toBeCloseTo(1, 14);
    const xs = new Float64Array(9),
      ys = new Float64Array(9);
    flattenStroke(pts, 0, table, xs, ys, 0);
    for (let k = 0; k <= 8; k++) {
      const [x, y] = evalCubic(pts, 0, k / 8);
      expect(xs[k]).toBeCloseTo(x, 12);
      expect(ys[k]).toBeCloseTo(y, 12);
    }
  });

  it('rejects a non-positive segment count', () => {
    expect(() => flatteningTable(0)).toThrow(/segments must be a positive integer/);
  });
});

describe('projective maps', () => {
  const quad = [3, 5, 60, -2, 70, 66, -4, 58];
  const h = squareToQuad(64, quad);

  it('squareToQuad maps the canvas corners onto the quad', () => {
    const corners = [0, 0, 64, 0, 64, 64, 0, 64];
    for (let i = 0; i < 4; i++) {
      const q = applyProjective(h, corners[2 * i], corners[2 * i + 1]);
      expect(q.x).toBeCloseTo(quad[2 * i], 9);
      expect(q.y).toBeCloseTo(quad[2 * i + 1], 9);
    }
  });

  it('Jacobian and local scale match finite differences', () => {
    const [x, y, e] = [20, 41, 1e-5];
    const j = projectiveJacobian(h, x, y);
    const px = [applyProjective(h, x + e, y), applyProjective(h, x - e, y)];
    const py = [applyProjective(h, x, y + e), applyProjective(h, x, y - e)];
    const fd = [(px[0].x - px[1].x) / (2 * e), (py[0].x - py[1].x) / (2 * e), (px[0].y - px[1].y) / (2 * e), (py[0].y - py[1].y) / (2 * e)];
    for (let i = 0; i < 4; i++) expect(j[i]).toBeCloseTo(fd[i], 6);
    expect(localScale(h, x, y)).toBeCloseTo(Math.sqrt(Math.abs(fd[0] * fd[3] - fd[1] * fd[2])), 6);
    expect(localScale([2, 0, 5, 0, 2, 7, 0, 0, 1], 3, 4)).toBeCloseTo(2, 12);
  });
});

describe('bounding boxes', () => {
  it('bounds points and control polygons, expands and intersects', () => {
    const box = bboxOf([1, 5, -2], [3, -1, 4]);
    expect(box).toEqual({ minX: -2, minY: -1, maxX: 5, maxY: 4 });
    expect(strokeControlBBox([0, 0, 10, 20, 30, 20, 40, 0], 0)).toEqual({ minX: 0, minY: 0, maxX: 40, maxY: 20 });
    expect(expandBBox(box, 1)).toEqual({ minX: -3, minY: -2, maxX: 6, maxY: 5 });
    expect(bboxIntersects(box, { minX: 5, minY: 4, maxX: 9, maxY: 9 })).toBe(true);
    expect(bboxIntersects(box, { minX: 5.1, minY: 4, maxX: 9, maxY: 9 })).toBe(false);
    expect(bboxIntersects(bboxOf([], []), box)).toBe(false);
  });
});
