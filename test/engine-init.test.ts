import { describe, expect, it } from 'vitest';
import { defaultSpacing, growStrokes, randomStrokes, sampleStartPoints, startDistribution, WALK } from '../src/engine/init/sample.ts';
import { gaussianBlur, otsuThreshold, xdog, xdogEdges } from '../src/engine/init/xdog.ts';
import { createRandom } from '../src/engine/random.ts';

const SIZE = 64;

/** White canvas with a light gray (0.6) square [20, 44)^2 (XDoG inks flat dark areas too). */
function squareImage(): Float32Array {
  const g = new Float32Array(SIZE * SIZE).fill(1);
  for (let y = 20; y < 44; y++) for (let x = 20; x < 44; x++) g[y * SIZE + x] = 0.6;
  return g;
}

describe('XDoG and Otsu', () => {
  it('blur preserves a constant image and the total of an interior impulse', () => {
    const flat = gaussianBlur(new Float32Array(SIZE * SIZE).fill(0.3), SIZE, 2);
    for (const v of flat) expect(v).toBeCloseTo(0.3, 6);
    const impulse = new Float32Array(SIZE * SIZE);
    impulse[32 * SIZE + 32] = 1;
    expect(gaussianBlur(impulse, SIZE, 1.5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('finds edges along the square boundary and none in flat regions', () => {
    const edges = xdogEdges(squareImage(), SIZE);
    const at = (x: number, y: number) => edges[y * SIZE + x];
    expect(at(20, 32) + at(21, 32) + at(19, 32)).toBeGreaterThan(0); // left boundary
    expect(at(32, 43) + at(32, 42) + at(32, 44)).toBeGreaterThan(0); // bottom boundary
    expect(at(32, 32)).toBe(0); // square centre
    expect(at(3, 3)).toBe(0); // paper far away
    let count = 0;
    for (const v of edges) count += v;
    expect(count).toBeLessThan(0.3 * SIZE * SIZE);
  });

  it('response is 1 (paper) in flat areas and a flat image has no edges', () => {
    const r = xdog(new Float32Array(SIZE * SIZE).fill(0.7), SIZE);
    for (const v of r) expect(v).toBe(1);
    expect(xdogEdges(new Float32Array(SIZE * SIZE).fill(0.7), SIZE).every((v) => v === 0)).toBe(true);
  });

  it('Otsu separates a bimodal histogram between its modes', () => {
    const v = new Float32Array(1000);
    for (let i = 0; i < 1000; i++) v[i] = i < 300 ? 0.1 + (i % 10) * 0.005 : 0.8 + (i % 10) * 0.005;
    const t = otsuThreshold(v);
    expect(t).toBeGreaterThan(0.145);
    expect(t).toBeLessThanOrEqual(0.8);
  });
});

describe('start point sampling', () => {
  const saliency = new Float32Array(SIZE * SIZE).map((_, i) => (i % SIZE) / SIZE);
  const edges = xdogEdges(squareImage(), SIZE);

  it('is a softmax over nonzero saliency x edge pixels', () => {
    const p = startDistribution(saliency, edges, 4);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    for (let i = 0; i < p.length; i++) if (edges[i] === 0 || saliency[i] === 0) expect(p[i]).toBe(0);
    // temperature 0.3: the ratio between two edge pixels is exp((s1 - s2) / 0.3)
    const i1 = 32 * SIZE + 20, i2 = 32 * SIZE + 43;
    if (p[i1] > 0 && p[i2] > 0) expect(p[i2] / p[i1]).toBeCloseTo(Math.exp((saliency[i2] - saliency[i1]) / 0.3), 6);
  });

  it('falls back to saliency, then uniform, for edgeless images', () => {
    const none = new Float32Array(SIZE * SIZE);
    const p = startDistribution(saliency, none, 4);
    expect(p[0]).toBe(0); // saliency 0 at x = 0
    expect(p[SIZE - 1]).toBeGreaterThan(0);
    const u = startDistribution(none, none, 4);
    expect(u[0]).toBeCloseTo(1 / (SIZE * SIZE), 12);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const p = startDistribution(saliency, edges, 8);
    const a = sampleStartPoints(p, SIZE, 8, createRandom(3));
    const b = sampleStartPoints(p, SIZE, 8, createRandom(3));
    const c = sampleStartPoints(p, SIZE, 8, createRandom(4));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('keeps start points apart and on the sampling map', () => {
    const p = startDistribution(new Float32Array(SIZE * SIZE).fill(1), new Float32Array(SIZE * SIZE).fill(1), 16);
    for (let seed = 0; seed < 5; seed++) {
      const pts = sampleStartPoints(p, SIZE, 16, createRandom(seed));
      const spacing = defaultSpacing(SIZE, 16);
      for (let i = 0; i < 16; i++) {
        for (let j = 0; j < i; j++) {
          expect(Math.hypot(pts[2 * i] - pts[2 * j], pts[2 * i + 1] - pts[2 * j + 1])).toBeGreaterThan(spacing - Math.SQRT2);
        }
      }
    }
    const edgeP = startDistribution(saliency, edges, 8);
    const pts = sampleStartPoints(edgeP, SIZE, 8, createRandom(1));
    for (let i = 0; i < 8; i++) expect(edgeP[Math.floor(pts[2 * i + 1]) * SIZE + Math.floor(pts[2 * i])]).toBeGreaterThan(0);
  });

  it('shrinks the spacing when the map has little room, still without replacement', () => {
    const tiny = new Float64Array(SIZE * SIZE);
    for (let i = 0; i < 10; i++) tiny[30 * SIZE + 20 + i] = 0.1; // 10 adjacent pixels
    const pts = sampleStartPoints(tiny, SIZE, 10, createRandom(0));
    const pixels = new Set<number>();
    for (let i = 0; i < 10; i++) pixels.add(Math.floor(pts[2 * i + 1]) * SIZE + Math.floor(pts[2 * i]));
    expect(pixels.size).toBe(10);
    expect(() => sampleStartPoints(tiny, SIZE, 11, createRandom(0))).toThrow(/only 10 of 11/);
  });

  it('grows each stroke by a random walk of at most WALK/2 of the canvas per step and axis', () => {
    const strokes = growStrokes(Float64Array.of(10, 10, 50, 30), SIZE, createRandom(9));
    expect(strokes.length).toBe(16);
    expect([strokes[0], strokes[1], strokes[8], strokes[9]]).toEqual([10, 10, 50, 30]);
    for (let s = 0; s < 2; s++) {
      for (let c = 1; c < 4; c++) {
        for (const axis of [0, 1]) {
          const step = strokes[s * 8 + 2 * c + axis] - strokes[s * 8 + 2 * (c - 1) + axis];
          expect(Math.abs(step)).toBeLessThanOrEqual((WALK * SIZE) / 2);
        }
      }
    }
    expect(randomStrokes(SIZE, 5, createRandom(1)).length).toBe(40);
  });
});
