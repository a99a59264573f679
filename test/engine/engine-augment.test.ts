import { describe, expect, it } from 'vitest';
import { buildTargetPool, gatherTargets, gatherViews } from '../../src/engine/augment/targets.ts';
import { cropMatrix, invert3, perspectiveCorners, randomViewParts, viewPool, warpImage } from '../../src/engine/augment/views.ts';
import { applyProjective, multiplyMat3 } from '../../src/engine/geometry/projective.ts';
import { createRandom } from '../../src/engine/random.ts';
import { IDENTITY_VIEW } from '../../src/engine/raster/types.ts';
import { createPixelLossModel } from '../helpers/engine-pixel-model.ts';

const SIZE = 32;

describe('random views', () => {
  it('perspective moves every corner inward by at most distortion/2 of the canvas', () => {
    const random = createRandom(1);
    for (let i = 0; i < 200; i++) {
      const c = perspectiveCorners(224, 0.5, random);
      const target = [0, 0, 224, 0, 224, 224, 0, 224];
      for (let k = 0; k < 8; k++) {
        expect(c[k]).toBeGreaterThanOrEqual(0);
        expect(c[k]).toBeLessThanOrEqual(224);
        expect(Math.abs(c[k] - target[k])).toBeLessThanOrEqual(56);
      }
    }
  });

  it('crop covers 80-100% of the canvas area inside it, and the matrix is crop after perspective', () => {
    const random = createRandom(2);
    const areas: number[] = [];
    for (let i = 0; i < 300; i++) {
      const v = randomViewParts(224, random);
      areas.push((v.side * v.side) / (224 * 224));
      expect(v.x0).toBeGreaterThanOrEqual(0);
      expect(v.y0).toBeGreaterThanOrEqual(0);
      expect(v.x0 + v.side).toBeLessThanOrEqual(224 + 1e-9);
      expect(v.y0 + v.side).toBeLessThanOrEqual(224 + 1e-9);
      const canvas = [0, 0, 224, 0, 224, 224, 0, 224];
      for (let k = 0; k < 4; k++) {
        const q = applyProjective(v.matrix, canvas[2 * k], canvas[2 * k + 1]);
        expect(q.x).toBeCloseTo(((v.corners[2 * k] - v.x0) * 224) / v.side, 6);
        expect(q.y).toBeCloseTo(((v.corners[2 * k + 1] - v.y0) * 224) / v.side, 6);
      }
    }
    expect(Math.min(...areas)).toBeGreaterThanOrEqual(0.8);
    expect(Math.max(...areas)).toBeLessThanOrEqual(1);
    expect(Math.max(...areas) - Math.min(...areas)).toBeGreaterThan(0.15); // the range is used
  });

  it('crop matrix maps its square onto the canvas', () => {
    const m = cropMatrix(224, 10, 20, 200);
    expect(applyProjective(m, 10, 20)).toMatchObject({ x: 0, y: 0 });
    const q = applyProjective(m, 210, 220);
    expect(q.x).toBeCloseTo(224, 9);
    expect(q.y).toBeCloseTo(224, 9);
  });

  it('pool is deterministic per seed and inverts cleanly', () => {
    const a = viewPool(224, 4, createRandom(5)),
      b = viewPool(224, 4, createRandom(5));
    expect(Array.from(a)).toEqual(Array.from(b));
    const h = Array.from(a.subarray(0, 9));
    const product = multiplyMat3(h, invert3(h));
    product.forEach((v, i) => expect(v / product[8]).toBeCloseTo(IDENTITY_VIEW[i], 5));
  });
});

describe('warpImage', () => {
  const image = new Float32Array(2 * SIZE * SIZE).map((_, i) => ((i * 7919) % 101) / 100);

  it('identity reproduces the image exactly', () => {
    expect(Array.from(warpImage(image, 2, SIZE, IDENTITY_VIEW))).toEqual(Array.from(image));
  });

  it('an integer translation shifts pixels and fills the uncovered border with white', () => {
    const out = warpImage(image, 2, SIZE, [1, 0, 3, 0, 1, -2, 0, 0, 1]); // view = canvas + (3, -2)
    for (const c of [0, 1]) {
      for (let y = 0; y < SIZE; y++) {
        for (let x = 0; x < SIZE; x++) {
          const sx = x - 3,
            sy = y + 2;
          const expected = sx < 0 || sy >= SIZE ? 1 : image[c * SIZE * SIZE + sy * SIZE + sx];
          expect(out[c * SIZE * SIZE + y * SIZE + x]).toBeCloseTo(expected, 6);
        }
      }
    }
  });
});

describe('target pool', () => {
  it('computes clean + pool features once and gathers them per batch', async () => {
    const model = createPixelLossModel(SIZE);
    const rgb = new Float32Array(3 * SIZE * SIZE).map((_, i) => (i % 37) / 37);
    const pool = await buildTargetPool(model, rgb, viewPool(SIZE, 3, createRandom(0)));
    expect(model.stats.targetCalls).toBe(4);
    const t = gatherTargets(pool, [0, 2, 0]);
    expect(t.batch).toBe(3);
    expect(Array.from(t.tensors.pixels.subarray(2 * SIZE * SIZE))).toEqual(Array.from(pool.features[0].pixels));
    expect(Array.from(gatherViews(pool, [0, 2]).subarray(0, 9))).toEqual(IDENTITY_VIEW);
    expect(Array.from(gatherViews(pool, [0, 2]).subarray(9))).toEqual(Array.from(pool.views.subarray(18, 27)));
  });
});
