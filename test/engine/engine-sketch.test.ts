import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/engine/options.ts';
import type { RgbaImage } from '../../src/engine/preprocess/image.ts';
import { createCpuRasterizer } from '../../src/engine/raster/cpu.ts';
import { IDENTITY_VIEW } from '../../src/engine/raster/types.ts';
import type { SketchProgress } from '../../src/engine/result.ts';
import { sketchify } from '../../src/engine/sketch.ts';
import { toSvg } from '../../src/engine/svg.ts';
import { createPixelLossModel } from '../helpers/engine-pixel-model.ts';

const SIZE = 48;

/**
 * A 96x72 photo of three thick curves (drawn by the rasterizer at canvas scale, then upsampled),
 * squeezed to the middle rows: strokes stay PADDING_MARGIN away from the padded sides.
 */
async function curvesImage(): Promise<RgbaImage> {
  const r = createCpuRasterizer();
  const points = Float32Array.of(8, 12, 20, 6, 30, 20, 40, 10, 6, 30, 16, 26, 28, 34, 42, 28, 24, 8, 22, 18, 26, 26, 24, 36).map((v, i) =>
    i % 2 ? 24 + (v - 24) * 0.5 : v,
  );
  const canvas = await r.forward({ points, views: Float32Array.from(IDENTITY_VIEW), size: SIZE, width: 4 });
  // The image is 96x72: canvas rows 6..42 (offset 6 canvas px = 12 input px) at 2 input px per canvas px.
  const width = 96,
    height = 72;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = canvas[Math.floor((y + 12) / 2) * SIZE + Math.floor(x / 2)];
      data.set([v * 255, v * 255, v * 255, 255], 4 * (y * width + x));
    }
  }
  return { width, height, data };
}

describe('sketchify with a pixel-MSE test model', () => {
  it('reduces the loss, keeps the best strokes and maps them to input pixels', async () => {
    const model = createPixelLossModel(SIZE);
    const events: SketchProgress[] = [];
    const image = await curvesImage();
    const result = await sketchify(
      image,
      { strokes: 3, iterations: 120, views: 2, seeds: 2, backend: 'cpu' },
      { model, onProgress: (e) => events.push(e), progressIntervalMs: 0 },
    );
    expect(Math.abs(result.lossInitial - 1)).toBeLessThan(0.3); // normalized by seed 0's init (loss 1 = sum of weights)
    expect(result.lossFinal).toBeLessThan(0.6 * result.lossInitial);
    expect(result.lossFinal).toBe(Math.min(...result.evalHistory.map((e) => e.loss)));
    expect(result.iterations).toBeGreaterThan(0);
    expect(result.backend).toBe('cpu');
    expect(result.backendReason).toBe('cpu requested');
    expect(result.model).toBe('pixel-mse');
    expect(result.canvasPoints.length).toBe(24);
    // seeds batched: every training call holds seeds x (1 + views) images
    expect(model.stats.batches.filter((b) => b > 1).every((b) => b === 6)).toBe(true);
    // canvas -> input pixels: x * 2, y * 2 - 12; unit = / (96, 72)
    expect(result.points[0]).toBeCloseTo(result.canvasPoints[0] * 2, 4);
    expect(result.points[1]).toBeCloseTo(result.canvasPoints[1] * 2 - 12, 4);
    expect(result.unitPoints[1]).toBeCloseTo(result.points[1] / 72, 6);
    expect(result.width).toBe(6);
    // progress: the initial preview first, then iterations in order
    expect(events[0].phase).toBe('init');
    expect(events[0].points.length).toBe(24);
    const its = events.slice(1).map((e) => e.iteration);
    expect(its).toEqual([...its].sort((a, b) => a - b));
    expect(events.at(-1)!.iteration).toBe(result.iterations);
    expect(result.timings.firstPreviewMs).toBeLessThanOrEqual(result.timings.totalMs);
  });

  it('is deterministic for a seed', async () => {
    const image = await curvesImage();
    const opts = { strokes: 2, iterations: 15, views: 1, seeds: 1, seed: 7, backend: 'cpu' as const };
    const a = await sketchify(image, opts, { model: createPixelLossModel(SIZE) });
    const b = await sketchify(image, opts, { model: createPixelLossModel(SIZE) });
    const c = await sketchify(image, { ...opts, seed: 8 }, { model: createPixelLossModel(SIZE) });
    expect(Array.from(a.points)).toEqual(Array.from(b.points));
    expect(Array.from(a.points)).not.toEqual(Array.from(c.points));
  });

  it('cancellation returns the best strokes so far, promptly', async () => {
    const image = await curvesImage();
    const controller = new AbortController();
    const result = await sketchify(
      image,
      { strokes: 3, iterations: 1000, views: 1, seeds: 1, evalEvery: 5, backend: 'cpu' },
      {
        model: createPixelLossModel(SIZE),
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (e) => {
          if (e.iteration >= 23) controller.abort();
        },
      },
    );
    expect(result.cancelled).toBe(true);
    expect(result.iterations).toBe(23);
    expect(result.evalHistory.map((e) => e.iteration)).toEqual([0, 5, 10, 15, 20]);
    expect(result.lossFinal).toBe(Math.min(...result.evalHistory.map((e) => e.loss)));
  });

  it('sees an abort that arrives from another task (a worker message, a timer) while it runs', async () => {
    // In the UI the abort comes from the worker's message handler, which only runs when the
    // loop yields to the event loop; a loop chained on microtasks alone would never see it.
    const image = await curvesImage();
    const controller = new AbortController();
    let started = false;
    const run = sketchify(
      image,
      { strokes: 3, iterations: 20_000, views: 1, seeds: 1, evalEvery: 5, backend: 'cpu', earlyStop: false },
      {
        model: createPixelLossModel(SIZE),
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (e) => {
          if (e.phase === 'optimize') started = true;
        },
      },
    );
    const timer = setInterval(() => {
      if (started) controller.abort();
    }, 5);
    const result = await run;
    clearInterval(timer);
    expect(result.cancelled).toBe(true);
    expect(result.iterations).toBeGreaterThan(0);
    expect(result.iterations).toBeLessThan(20_000);
  });

  it('stops early when the clean loss plateaus', async () => {
    const image = await curvesImage();
    const result = await sketchify(
      image,
      { strokes: 1, iterations: 3000, views: 0, seeds: 1, evalEvery: 5, lr: 1e-4, backend: 'cpu' },
      { model: createPixelLossModel(SIZE) },
    );
    expect(result.stoppedEarly).toBe(true);
    expect(result.iterations).toBeLessThan(3000);
    const full = await sketchify(
      image,
      { strokes: 1, iterations: 60, views: 0, seeds: 1, evalEvery: 5, lr: 1e-4, earlyStop: false, backend: 'cpu' },
      { model: createPixelLossModel(SIZE) },
    );
    expect([full.stoppedEarly, full.iterations]).toEqual([false, 60]);
  });

  it('zero iterations returns the initialization', async () => {
    const result = await sketchify(
      await curvesImage(),
      { strokes: 4, iterations: 0, seeds: 1, backend: 'cpu' },
      { model: createPixelLossModel(SIZE) },
    );
    expect(result.lossInitial).toBeCloseTo(1, 5); // one seed: its initial loss is the sum of the weights
    expect(result.iterations).toBe(0);
    expect(result.lossFinal).toBe(result.lossInitial);
    expect(toSvg(result).match(/<path /g)).toHaveLength(4);
  });

  it('rejects invalid options, images and setups with specific errors', async () => {
    const image = await curvesImage();
    const model = createPixelLossModel(SIZE);
    await expect(sketchify(image, { strokes: 0 }, { model })).rejects.toThrow(/'strokes' must be between 1 and 128, got 0/);
    await expect(sketchify(image, { strokes: 2.5 }, { model })).rejects.toThrow(/'strokes' must be an integer/);
    await expect(sketchify(image, { preset: 'fast' as never }, { model })).rejects.toThrow(/'preset' must be one of draft, standard, best/);
    await expect(sketchify(image, { model: 'clip-rn101' }, { model })).rejects.toThrow(/does not match the given model 'pixel-mse'/);
    await expect(sketchify(image, { weights: { geometric: { nope: 1 } } }, { model })).rejects.toThrow(/unknown loss tap 'nope'/);
    await expect(sketchify(image, { weights: { geometric: { pixels: 0 } } }, { model })).rejects.toThrow(/all loss weights are zero/);
    await expect(sketchify(image, { backend: 'webgpu' }, { model })).rejects.toThrow(/needs a GPUDevice/);
    await expect(sketchify(image, {}, {})).rejects.toThrow(/needs runtime.model or runtime.loadModel/);
    await expect(sketchify({ width: 8, height: 8, data: new Uint8Array(256) }, {}, { model })).rejects.toThrow(/at least 16 px/);
    expect(() => resolveOptions({ strokes: 16, colour: 'red' } as never)).toThrow(/unknown option 'colour'/);
    expect(() => resolveOptions({ earlyStop: 'no' } as never)).toThrow(/'earlyStop' must be true or false/);
    expect(() => resolveOptions({ lrSchedule: 'step' } as never)).toThrow(/'lrSchedule' must be constant or cosine/);
  });

  it('loads the model by id through the runtime', async () => {
    const ids: string[] = [];
    const result = await sketchify(
      await curvesImage(),
      { strokes: 2, iterations: 2, model: 'pixel-mse' },
      {
        loadModel: async (id) => {
          ids.push(id);
          return createPixelLossModel(SIZE);
        },
      },
    );
    expect(ids).toEqual(['pixel-mse']);
    expect(result.backend).toBe('cpu');
    expect(result.backendReason).toBe('no GPUDevice given');
  });
});

describe('toSvg', () => {
  it('writes one open cubic path per stroke with round caps and joins in input pixels', () => {
    const svg = toSvg({ points: Float32Array.of(0, 1, 2.345, 3, 4, 5, 6, 7), width: 4.5, imageWidth: 100, imageHeight: 50 });
    expect(svg).toContain('viewBox="0 0 100 50"');
    expect(svg).toContain('stroke-linecap="round" stroke-linejoin="round"');
    expect(svg).toContain('stroke-width="4.5"');
    expect(svg).toContain('<path d="M 0 1 C 2.35 3 4 5 6 7"/>');
    expect(svg).not.toMatch(/Z|fill="#/);
    expect(toSvg({ points: new Float32Array(8), width: 1, imageWidth: 2, imageHeight: 2 }, { background: true })).toContain('<rect');
  });
});
