import { describe, expect, it } from 'vitest';
import { prepareScene } from '../../../src/engine/raster/cpu-prepare.ts';
import { backwardPrepared, createCpuRasterizer, renderPrepared } from '../../../src/engine/raster/cpu.ts';
import { coverage, DEFAULT_FALLOFF } from '../../../src/engine/raster/scene.ts';
import { IDENTITY_VIEW, type RasterScene } from '../../../src/engine/raster/types.ts';
import { perspectiveView, randomStrokes, rng } from '../../helpers/raster-scenes.ts';

const OPTS = { segments: 16, tileSize: 8, binning: true };
const identity = () => Float32Array.from(IDENTITY_VIEW);

/** Straight stroke from (x0,y) to (x1,y) with evenly spaced control points. */
function horizontal(x0: number, x1: number, y: number): Float32Array {
  return Float32Array.from([0, 1, 2, 3].flatMap((j) => [x0 + ((x1 - x0) * j) / 3, y]));
}

/** L = sum(G * image) rendered in float64, and its analytic gradient. */
function lossAndGradient(scene: RasterScene, g: Float64Array): { loss: (p: Float32Array) => number; grad: Float64Array } {
  const loss = (points: Float32Array) => {
    const img = new Float64Array(g.length);
    renderPrepared(prepareScene({ ...scene, points }, OPTS), img);
    return img.reduce((acc, v, i) => acc + v * g[i], 0);
  };
  const grad = new Float64Array(scene.points.length);
  backwardPrepared(prepareScene(scene, OPTS), g, grad);
  return { loss, grad };
}

describe('CPU rasterizer: gradient vs central finite differences', () => {
  // h = 2^-9 px is exact in float32 at these coordinates. The loss is C1 (smoothstep ramp,
  // argmin over segments), so central differences converge at O(h) near kinks; measured
  // errors are <= 5e-5 of the largest gradient component, the bound is 1e-3.
  const h = 2 ** -9;
  const size = 48;
  const cases = [
    { name: 'width 1, falloff 0.5, identity', width: 1, falloff: 0.5, views: [IDENTITY_VIEW] },
    { name: 'width 3, falloff 1, identity + perspective', width: 3, falloff: 1, views: [IDENTITY_VIEW, perspectiveView(size, 11, 0.5)] },
    {
      name: 'width 6, falloff 2, two perspectives',
      width: 6,
      falloff: 2,
      views: [perspectiveView(size, 3), perspectiveView(size, 4, 0.5)],
    },
    { name: 'width 3, falloff 3 (> radius), scaled affine', width: 3, falloff: 3, views: [[1.3, 0.2, -5, -0.1, 0.9, 4, 0, 0, 1]] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const points = randomStrokes(5, size, 7);
      const views = Float32Array.from(c.views.flat());
      const r = rng(5);
      const g = Float64Array.from({ length: (views.length / 9) * size * size }, () => r() - 0.5);
      const { loss, grad } = lossAndGradient({ points, views, size, width: c.width, falloff: c.falloff }, g);
      let maxErr = 0;
      let maxGrad = 0;
      for (let i = 0; i < points.length; i++) {
        const plus = points.slice();
        const minus = points.slice();
        plus[i] += h;
        minus[i] -= h;
        const fd = (loss(plus) - loss(minus)) / (2 * h);
        maxErr = Math.max(maxErr, Math.abs(fd - grad[i]));
        maxGrad = Math.max(maxGrad, Math.abs(grad[i]));
      }
      expect(maxGrad).toBeGreaterThan(0.05);
      expect(maxErr / maxGrad).toBeLessThan(1e-3);
    });
  }
});

describe('CPU rasterizer: known images', () => {
  it('a horizontal stroke renders the smoothstep band profile', async () => {
    const size = 32;
    const raster = createCpuRasterizer();
    const img = await raster.forward({ points: horizontal(4, 28, 16), views: identity(), size, width: 3 });
    for (let y = 0; y < size; y++) {
      // Away from the caps the distance is |y + 0.5 - 16|.
      const expected = 1 - coverage(Math.abs(y + 0.5 - 16) - 1.5, DEFAULT_FALLOFF);
      expect(img[y * size + 16]).toBeCloseTo(expected, 6);
    }
    expect(img[15 * size + 16]).toBeLessThan(0.01); // inside the band: ink
    expect(img[10 * size + 16]).toBe(1); // beyond r + falloff: paper
    expect(img[16 * size + 1]).toBe(1); // beyond the round cap
    // Round cap: pixel (29, 15) centre is 1.58 px from the end point (28, 16).
    expect(img[15 * size + 29]).toBeCloseTo(1 - coverage(Math.hypot(1.5, 0.5) - 1.5, DEFAULT_FALLOFF), 6);
  });

  it('ink per unit length equals the width whatever the falloff', async () => {
    const size = 32;
    for (const falloff of [0.5, 1, 1.5]) {
      const img = await createCpuRasterizer().forward({ points: horizontal(2, 30, 16), views: identity(), size, width: 3, falloff });
      let ink = 0;
      for (let y = 0; y < size; y++) ink += 1 - img[y * size + 16];
      expect(ink).toBeCloseTo(3, 2);
    }
  });

  it('a stroke outside the canvas renders nothing and has zero gradient', async () => {
    const raster = createCpuRasterizer();
    for (const offset of [-40, 100, 1e6]) {
      const points = horizontal(offset, offset + 20, offset);
      const img = await raster.forward({ points, views: identity(), size: 32, width: 3 });
      expect(img.every((v) => v === 1)).toBe(true);
      const grad = await raster.backward(new Float32Array(img.length).fill(1));
      expect(grad.every((v) => v === 0)).toBe(true);
    }
  });

  it('N = 0 gives white images and an empty gradient', async () => {
    const raster = createCpuRasterizer();
    const img = await raster.forward({
      points: new Float32Array(0),
      views: Float32Array.from([...IDENTITY_VIEW, ...IDENTITY_VIEW]),
      size: 16,
      width: 3,
    });
    expect(img.length).toBe(2 * 16 * 16);
    expect(img.every((v) => v === 1)).toBe(true);
    expect((await raster.backward(new Float32Array(img.length).fill(1))).length).toBe(0);
  });

  it('a degenerate stroke (four equal points) is a round dot with a finite gradient', async () => {
    const size = 16;
    const points = Float32Array.from([8.3, 7.6, 8.3, 7.6, 8.3, 7.6, 8.3, 7.6]);
    const raster = createCpuRasterizer();
    const img = await raster.forward({ points, views: identity(), size, width: 4 });
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        expect(img[y * size + x]).toBeCloseTo(1 - coverage(Math.hypot(x + 0.5 - 8.3, y + 0.5 - 7.6) - 2, 1), 5);
      }
    }
    // Moving the dot right darkens its right side: dL/dx < 0 for L = sum over the right half.
    const g = new Float32Array(size * size).map((_, i) => (i % size >= 9 ? 1 : 0));
    const grad = await raster.backward(g);
    expect(grad.every(Number.isFinite)).toBe(true);
    expect(grad[0] + grad[2] + grad[4] + grad[6]).toBeLessThan(0);
  });

  it('binning does not change the result (binned == naive), N = 256 with perspective', async () => {
    const size = 64;
    const points = randomStrokes(256, size, 3);
    const views = Float32Array.from([...IDENTITY_VIEW, ...perspectiveView(size, 9, 0.5)]);
    const scene = { points, views, size, width: 3 };
    const binned = createCpuRasterizer();
    const naive = createCpuRasterizer({ binning: false });
    const a = await binned.forward(scene);
    const b = await naive.forward(scene);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.some((v) => v < 0.5)).toBe(true);
    const g = Float32Array.from({ length: a.length }, (_, i) => Math.sin(i));
    const ga = await binned.backward(g);
    const gb = await naive.backward(g);
    expect(ga.every(Number.isFinite)).toBe(true);
    for (let i = 0; i < ga.length; i++) expect(ga[i]).toBeCloseTo(gb[i], 4);
  });
});

describe('CPU rasterizer: input errors', () => {
  const good = (): RasterScene => ({ points: horizontal(2, 10, 5), views: identity(), size: 16, width: 3 });
  const raster = createCpuRasterizer();
  it.each([
    ['NaN point', { points: Float32Array.from([1, 2, 3, NaN, 5, 6, 7, 8]) }, /points: non-finite value NaN at stroke 0, index 3/],
    [
      'Infinity in a view',
      { views: Float32Array.from([1, 0, 0, 0, 1, Infinity, 0, 0, 1]) },
      /views: non-finite value Infinity at view 0, index 5/,
    ],
    ['ragged points', { points: new Float32Array(7) }, /multiple of 8/],
    ['ragged views', { views: new Float32Array(8) }, /multiple of 9/],
    ['zero width', { width: 0 }, /width must be finite and > 0/],
    ['bad size', { size: 2.5 }, /size must be a positive integer/],
    ['bad falloff', { falloff: -1 }, /falloff must be finite and > 0/],
  ])('rejects %s', async (_name, patch, message) => {
    await expect(raster.forward({ ...good(), ...patch })).rejects.toThrow(message);
  });

  it('rejects backward before forward and a wrong gradient length', async () => {
    const fresh = createCpuRasterizer();
    await expect(fresh.backward(new Float32Array(4))).rejects.toThrow(/before forward/);
    await fresh.forward(good());
    await expect(fresh.backward(new Float32Array(4))).rejects.toThrow(/gradImages length 4/);
  });
});

describe('createRasterizer', () => {
  it('falls back to the CPU reference without a device', async () => {
    const { createRasterizer } = await import('../../../src/engine/raster/index.ts');
    const raster = await createRasterizer(null);
    expect(raster.backend).toBe('cpu');
    const img = await raster.forward({ points: horizontal(2, 10, 5), views: identity(), size: 16, width: 3 });
    expect(img.some((v) => v < 0.1)).toBe(true);
  });
});
