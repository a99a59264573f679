// Sketching that continues from given strokes (options.initial): frozen strokes never move,
// the loss never ends worse than the starting drawing's, added strokes go where the drawing
// misses the subject, `remove` drops the useless stroke, and the nested series chains levels.
import { describe, expect, it } from 'vitest';
import { cleanTerms } from '../../src/engine/loss/evaluate.ts';
import { initialOnCanvas } from '../../src/engine/init/continue.ts';
import { distanceToInk } from '../../src/engine/init/missing.ts';
import { resolveOptions, type SketchOptions } from '../../src/engine/options.ts';
import type { RgbaImage } from '../../src/engine/preprocess/image.ts';
import { canvasMap, imageToCanvas, preprocess } from '../../src/engine/preprocess/preprocess.ts';
import { createCpuRasterizer } from '../../src/engine/raster/cpu.ts';
import type { SketchProgress } from '../../src/engine/result.ts';
import { sketchNestedSeries } from '../../src/engine/series.ts';
import { sketchify } from '../../src/engine/sketch.ts';
import { createPixelLossModel } from '../helpers/engine-pixel-model.ts';

const SIZE = 64;

interface Ring {
  cx: number;
  cy: number;
  r: number;
}

/** Black rings (3 px lines) on white paper, in image pixels. */
export function ringsImage(width: number, height: number, rings: readonly Ring[]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const on = rings.some(({ cx, cy, r }) => Math.abs(Math.hypot(x + 0.5 - cx, y + 0.5 - cy) - r) < 1.5);
      const v = on ? 0 : 255;
      data.set([v, v, v, 255], 4 * (y * width + x));
    }
  }
  return { width, height, data };
}

/** Four cubic quarter arcs drawing a ring (image pixels, 32 numbers). */
export function ringStrokes({ cx, cy, r }: Ring): number[] {
  const k = 0.5523 * r;
  const out: number[] = [];
  for (let q = 0; q < 4; q++) {
    const a0 = (q * Math.PI) / 2,
      a1 = a0 + Math.PI / 2;
    const p0 = [cx + r * Math.cos(a0), cy + r * Math.sin(a0)],
      p3 = [cx + r * Math.cos(a1), cy + r * Math.sin(a1)];
    out.push(
      p0[0],
      p0[1],
      p0[0] - k * Math.sin(a0),
      p0[1] + k * Math.cos(a0),
      p3[0] + k * Math.sin(a1),
      p3[1] - k * Math.cos(a1),
      p3[0],
      p3[1],
    );
  }
  return out;
}

const A: Ring = { cx: 18, cy: 32, r: 10 };
const B: Ring = { cx: 46, cy: 32, r: 10 };
const twoRings = () => ringsImage(64, 64, [A, B]);
const base: SketchOptions = { views: 1, seeds: 1, evalEvery: 5, backend: 'cpu', subject: 'off', lr: 1, lrSchedule: 'constant' };
const stroke = (points: ArrayLike<number>, s: number): number[] => Array.from(points).slice(8 * s, 8 * s + 8);
const centre = (p: number[]): [number, number] => [(p[0] + p[2] + p[4] + p[6]) / 4, (p[1] + p[3] + p[5] + p[7]) / 4];

/** The pixel model's clean loss (unit weight) of image-pixel strokes against the image. */
async function pixelLoss(image: RgbaImage, points: ArrayLike<number>, width = 3): Promise<number> {
  const model = createPixelLossModel(SIZE);
  const pre = preprocess(image, SIZE);
  const target = await model.targetFeatures(pre.rgb, 1);
  const canvas = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 2) [canvas[i], canvas[i + 1]] = imageToCanvas(pre.map, points[i], points[i + 1]);
  return (await cleanTerms(model, createCpuRasterizer(), canvas, target, { geometric: { pixels: 1 }, semantic: 0 }, { width })).loss;
}

describe('continuing a drawing: frozen strokes', () => {
  it('come back bitwise equal to the input (CPU path), also outside the clamp box, while the others move', async () => {
    // A wide image: the canvas pads y, so the mapping and the content box are not the identity.
    const image = ringsImage(96, 64, [
      { cx: 30, cy: 32, r: 12 },
      { cx: 66, cy: 32, r: 12 },
    ]);
    const initial = [...ringStrokes({ cx: 31.37, cy: 33.11, r: 11 }), ...ringStrokes({ cx: 64.9, cy: 30.3, r: 13 })];
    initial.splice(8, 2, -3.7, 1.234567); // stroke 1 starts off the image (outside the box)
    const frozen = [1, 4, 6];
    const result = await sketchify(
      image,
      { ...base, iterations: 25, initial: { points: initial, frozen } },
      { model: createPixelLossModel(SIZE) },
    );
    expect(result.origin).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(result.strokes).toBe(8);
    const given = Float32Array.from(initial);
    const onCanvas = initialOnCanvas(initial, preprocess(image, SIZE).map);
    for (let s = 0; s < 8; s++) {
      const got = stroke(result.points, s),
        want = stroke(given, s);
      if (frozen.includes(s)) {
        for (let k = 0; k < 8; k++) expect(Object.is(got[k], want[k]), `stroke ${s} value ${k}`).toBe(true);
        // The optimizer itself never moved them (the report copies the input values on top).
        expect(stroke(result.canvasPoints, s), `stroke ${s} on the canvas`).toEqual(stroke(onCanvas, s));
        for (let k = 0; k < 8; k++) expect(result.unitPoints[8 * s + k]).toBe(Math.fround(initial[8 * s + k] / (k % 2 ? 64 : 96)));
      } else {
        expect(Math.max(...got.map((v, k) => Math.abs(v - want[k]))), `stroke ${s} moved`).toBeGreaterThan(0.05);
      }
    }
    expect(result.lossFinal).toBeLessThan(result.lossInitial);
  });

  it('stay frozen in progress events too', async () => {
    const initial = [...ringStrokes(A), ...ringStrokes({ cx: 44, cy: 30, r: 8 })];
    const events: SketchProgress[] = [];
    await sketchify(
      twoRings(),
      { ...base, iterations: 10, initial: { points: initial, frozen: [0, 5] } },
      { model: createPixelLossModel(SIZE), onProgress: (e) => events.push(e), progressIntervalMs: 0 },
    );
    expect(events[0].phase).toBe('init');
    const given = Float32Array.from(initial);
    for (const e of events) for (const s of [0, 5]) expect(stroke(e.points, s)).toEqual(stroke(given, s));
  });
});

describe('continuing a drawing: the loss', () => {
  it('never ends worse than the starting drawing, even when every step overshoots', async () => {
    const image = twoRings();
    const initial = [...ringStrokes(A), ...ringStrokes(B)];
    const start = await pixelLoss(image, initial);
    for (const lr of [1, 80]) {
      const result = await sketchify(
        image,
        { ...base, lr, iterations: 20, initial: { points: initial } },
        { model: createPixelLossModel(SIZE) },
      );
      expect(result.lossInitial).toBeCloseTo(1, 5); // normalized by the starting drawing itself
      expect(result.lossFinal).toBeLessThanOrEqual(result.lossInitial);
      expect(await pixelLoss(image, result.points)).toBeLessThanOrEqual(start * (1 + 1e-4));
    }
  });
});

describe('continuing a drawing: add and remove', () => {
  it('adds strokes where the drawing misses the subject (the undrawn ring), before and after optimizing', async () => {
    const image = twoRings();
    for (const iterations of [0, 30]) {
      const result = await sketchify(
        image,
        { ...base, iterations, initial: { points: ringStrokes(A) }, add: 3 },
        { model: createPixelLossModel(SIZE) },
      );
      expect(result.strokes).toBe(7);
      expect(result.origin).toEqual([0, 1, 2, 3, -1, -1, -1]);
      for (let s = 4; s < 7; s++) {
        const p = stroke(result.points, s);
        const [x, y] = centre(p);
        expect(Math.hypot(x - B.cx, y - B.cy), `added stroke ${s} (${x.toFixed(1)}, ${y.toFixed(1)}) after ${iterations} its`).toBeLessThan(
          B.r + 5,
        );
        expect(Math.hypot(p[0] - B.cx, p[1] - B.cy)).toBeLessThan(B.r + 4); // it starts on B's line
      }
    }
  });

  it('gives each seed its own added strokes and keeps the shared ones', async () => {
    const result = await sketchify(
      twoRings(),
      { ...base, seeds: 2, iterations: 0, initial: { points: ringStrokes(A), frozen: [0, 1, 2, 3] }, add: 2 },
      { model: createPixelLossModel(SIZE) },
    );
    expect(resolveOptions({ initial: { points: ringStrokes(A) }, add: 2, seeds: 2 }).seeds).toBe(2);
    expect(resolveOptions({ initial: { points: ringStrokes(A) }, seeds: 2 }).seeds).toBe(1); // nothing to tell seeds apart
    expect(result.strokes).toBe(6);
    expect(stroke(result.points, 0)).toEqual(stroke(Float32Array.from(ringStrokes(A)), 0));
  });

  it('removes the useless stroke (far off the subject), never a frozen one', async () => {
    const image = twoRings();
    const stray = [4, 4, 6, 3, 8, 5, 10, 4]; // in the white corner
    const initial = [...ringStrokes(A), ...stray, ...ringStrokes(B)];
    const model = createPixelLossModel(SIZE);
    const result = await sketchify(image, { ...base, iterations: 0, initial: { points: initial }, remove: 1 }, { model });
    expect(result.origin).toEqual([0, 1, 2, 3, 5, 6, 7, 8]);
    expect(Array.from(result.points)).toEqual(
      Array.from(Float32Array.from([...ringStrokes(A), ...ringStrokes(B)])).map((v) => expect.closeTo(v, 3)),
    );
    // Frozen, the stray stays: the next least useful stroke goes instead.
    const kept = await sketchify(image, { ...base, iterations: 0, initial: { points: initial, frozen: [4] }, remove: 1 }, { model });
    expect(kept.origin).toContain(4);
    expect(kept.origin).toHaveLength(8);
    // Removing and adding at once: the stray goes, the new stroke lands on the missing ring.
    const swapped = await sketchify(
      image,
      { ...base, iterations: 0, initial: { points: [...ringStrokes(A), ...stray] }, remove: 1, add: 1 },
      { model },
    );
    expect(swapped.origin).toEqual([0, 1, 2, 3, -1]);
    const [x, y] = centre(stroke(swapped.points, 4));
    expect(Math.hypot(x - B.cx, y - B.cy)).toBeLessThan(B.r + 5);
  });

  it('measures the undrawn distance exactly along axes and diagonals', () => {
    const paper = new Float32Array(25).fill(1);
    paper[12] = 0; // ink at (2, 2) of a 5 x 5 canvas
    const d = distanceToInk(paper, 5);
    expect([d[12], d[13], d[14], d[18], d[24], d[0]]).toEqual([0, 1, 2, Math.SQRT2, 2 * Math.SQRT2, 2 * Math.SQRT2].map(Math.fround));
    expect(distanceToInk(new Float32Array(4).fill(1), 2).every((v) => v === Infinity)).toBe(true);
  });
});

describe('nested series', () => {
  it('sketches the largest level, then each smaller one from the level above: strokes shared through origin', async () => {
    const image = twoRings();
    const events: SketchProgress[] = [];
    const levels = [6, 3, 1];
    const results = await sketchNestedSeries(
      image,
      levels,
      { ...base, iterations: 20, lr: 0.5 },
      { model: createPixelLossModel(SIZE), onProgress: (e) => events.push(e), progressIntervalMs: 0 },
    );
    expect(results.map((r) => r.strokes)).toEqual(levels);
    expect(results[0].origin).toBeUndefined();
    expect(results[0].iterations).toBe(20);
    for (let k = 1; k < levels.length; k++) {
      const { origin } = results[k];
      expect(origin).toHaveLength(levels[k]);
      expect(new Set(origin).size).toBe(levels[k]);
      expect(origin).toEqual([...origin!].sort((a, b) => a - b));
      expect(origin!.every((o) => o >= 0 && o < levels[k - 1])).toBe(true);
      expect(results[k].iterations).toBeLessThanOrEqual(5); // a quarter of 20
      // A stroke of a level is its origin in the level above, moved a little by the brief re-optimization.
      origin!.forEach((o, j) => {
        const [x, y] = centre(stroke(results[k].points, j)),
          [px, py] = centre(stroke(results[k - 1].points, o));
        expect(Math.hypot(x - px, y - py)).toBeLessThan(6);
      });
    }
    const order = events.map((e) => e.level!.index);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(order)).toEqual(new Set([0, 1, 2]));
    expect(events.every((e) => e.level!.count === 3 && e.level!.strokes === levels[e.level!.index])).toBe(true);
  });

  it('rejects levels that do not decrease and per-level options', async () => {
    const model = createPixelLossModel(SIZE);
    await expect(sketchNestedSeries(twoRings(), [4, 8], base, { model })).rejects.toThrow(/levels must decrease/);
    await expect(sketchNestedSeries(twoRings(), [], base, { model })).rejects.toThrow(/at least one level/);
    await expect(sketchNestedSeries(twoRings(), [8, 2.5], base, { model })).rejects.toThrow(/level 1 must be a whole stroke count/);
    await expect(sketchNestedSeries(twoRings(), [8, 4], { ...base, strokes: 8 }, { model })).rejects.toThrow(/'strokes' is set per level/);
  });
});

describe('continuing a drawing: validation', () => {
  const four = ringStrokes(A);
  it.each([
    [{ initial: { points: [1, 2, 3] } }, /8 numbers per stroke .* got 3 numbers/],
    [{ initial: { points: [] } }, /8 numbers per stroke/],
    [{ initial: { points: [...four.slice(0, 10), NaN, ...four.slice(11)] } }, /must be finite numbers: value 10 \(stroke 1\) is NaN/],
    [{ initial: { points: four, frozen: [4] } }, /'initial.frozen' holds 4: indices are whole numbers from 0 to 3/],
    [{ initial: { points: four, frozen: [1, 1] } }, /lists stroke 1 twice/],
    [{ initial: { points: four, frozen: [0.5] } }, /holds 0.5/],
    [{ initial: { points: four, extra: 1 } }, /unknown option 'initial.extra'/],
    [{ initial: 'strokes' }, /'initial' must be an object/],
    [{ add: 2 }, /'add' needs 'initial'/],
    [{ remove: 1 }, /'remove' needs 'initial'/],
    [{ initial: { points: four, frozen: [0, 1, 2] }, remove: 2 }, /'remove' \(2\) exceeds the 1 initial strokes that are not frozen/],
    [{ initial: { points: four }, remove: 4 }, /4 initial strokes - remove 4 \+ add 0 = 0: a sketch needs at least 1 stroke/],
    [{ initial: { points: four }, add: 125 }, /= 129: more than 128 strokes/],
    [{ initial: { points: four }, add: 2, strokes: 5 }, /'strokes' \(5\) does not match 4 initial strokes - remove 0 \+ add 2 = 6/],
    [{ initial: { points: four }, add: -1 }, /'add' must be between 0 and 128/],
    [{ initial: { points: four }, remove: 1.5 }, /'remove' must be an integer/],
  ] as [unknown, RegExp][])('%j', (options, error) => {
    expect(() => resolveOptions(options as SketchOptions)).toThrow(error);
  });

  it('resolves the stroke count from initial, remove and add', () => {
    expect(resolveOptions({ initial: { points: four }, add: 2, remove: 1 }).strokes).toBe(5);
    expect(resolveOptions({ initial: { points: four }, add: 2, strokes: 6 }).strokes).toBe(6);
    expect(resolveOptions({ initial: { points: four, frozen: [3, 0] } }).initial!.frozen).toEqual([0, 3]);
    expect(canvasMap(96, 64, 64).offsetY).toBe(16); // the wide image of the frozen test is padded in y
  });
});

describe('nested series: cancelling', () => {
  it('returns the levels done so far when aborted during a smaller level', async () => {
    const controller = new AbortController();
    const results = await sketchNestedSeries(
      twoRings(),
      [6, 3, 1],
      { ...base, iterations: 10 },
      {
        model: createPixelLossModel(SIZE),
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (e) => {
          if (e.level!.index === 1 && e.phase === 'optimize' && e.iteration >= 1) controller.abort();
        },
      },
    );
    expect(results.map((r) => r.strokes)).toEqual([6, 3]);
    expect(results[1].cancelled).toBe(true);
    expect(results[0].cancelled).toBe(false);
  });

  it('keeps the levels done when the abort comes while a level removes strokes', async () => {
    const controller = new AbortController();
    const model = createPixelLossModel(SIZE);
    let firstDone = false;
    const loss = model.lossAndGradient.bind(model);
    model.lossAndGradient = async (views, targets, weights) => {
      if (firstDone && targets.batch === 1) controller.abort(); // the next clean-view scoring: level 1 ranking its strokes
      return loss(views, targets, weights);
    };
    const onProgress = (e: SketchProgress) => {
      if (e.level!.index === 0 && e.iteration === e.iterations) firstDone = true;
    };
    const results = await sketchNestedSeries(
      twoRings(),
      [6, 3],
      { ...base, iterations: 10 },
      { model, signal: controller.signal, progressIntervalMs: 0, onProgress },
    );
    expect(controller.signal.aborted).toBe(true);
    expect(results.map((r) => [r.strokes, r.cancelled])).toEqual([[6, false]]);
  });
});
