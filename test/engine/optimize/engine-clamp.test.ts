// Where control points may go: the content box of a non-square input (the photo minus
// PADDING_MARGIN along its padded sides), the canvas box otherwise; the CPU clamp here, the
// GPU kernel against it in test/engine/optimize/gpu-adam.test.ts.
import { describe, expect, it } from 'vitest';
import { PADDING_MARGIN } from '../../../src/engine/init/sample.ts';
import { canvasBox, CLAMP_MARGIN, clampPoints, contentBox } from '../../../src/engine/optimize/clamp.ts';
import type { RgbaImage } from '../../../src/engine/preprocess/image.ts';
import { canvasMap, contentRect } from '../../../src/engine/preprocess/preprocess.ts';
import { sketchify } from '../../../src/engine/sketch.ts';
import { createPixelLossModel } from '../../helpers/engine-pixel-model.ts';

describe('contentBox', () => {
  it('is the canvas box (CLAMP_MARGIN beyond every edge) for a square input', () => {
    expect(contentBox(canvasMap(300, 300, 224))).toEqual(canvasBox(224));
    expect(canvasBox(100)).toEqual({
      x0: -CLAMP_MARGIN * 100,
      y0: -CLAMP_MARGIN * 100,
      x1: 100 * (1 + CLAMP_MARGIN),
      y1: 100 * (1 + CLAMP_MARGIN),
    });
  });

  it('keeps PADDING_MARGIN inside the content along padded sides only', () => {
    const wide = canvasMap(224, 149, 224),
      r = contentRect(wide);
    expect(contentBox(wide)).toEqual({
      x0: -CLAMP_MARGIN * 224,
      x1: 224 * (1 + CLAMP_MARGIN),
      y0: r.y0 + PADDING_MARGIN,
      y1: r.y1 - PADDING_MARGIN,
    });
    const tall = canvasMap(100, 200, 224),
      t = contentRect(tall);
    expect(contentBox(tall)).toEqual({
      x0: t.x0 + PADDING_MARGIN,
      x1: t.x1 - PADDING_MARGIN,
      y0: -CLAMP_MARGIN * 224,
      y1: 224 * (1 + CLAMP_MARGIN),
    });
  });

  it('collapses content thinner than two margins to its centre line', () => {
    const sliver = canvasMap(400, 20, 224); // 11.2 canvas px high
    const box = contentBox(sliver);
    expect(box.y0).toBeCloseTo(112, 6);
    expect(box.y1).toBeCloseTo(112, 6);
  });
});

describe('clampPoints', () => {
  it('clamps x and y with their own bounds', () => {
    const points = Float32Array.of(-5, -5, 50, 50, 120, 120, 10, 30);
    clampPoints(points, { x0: 0, x1: 100, y0: 20, y1: 40 });
    expect(Array.from(points)).toEqual([0, 20, 50, 40, 100, 40, 10, 30]);
  });
});

describe('sketchify keeps strokes off the padding step', () => {
  // 96 x 64, white but for a black band along the top edge of the photo (13 canvas px deep): a pixel-MSE model
  // pulls strokes onto it, i.e. onto the photo/padding step of the square canvas.
  function bandImage(): RgbaImage {
    const width = 96,
      height = 64,
      data = new Uint8Array(width * height * 4).fill(255);
    for (let y = 0; y < 26; y++) for (let x = 0; x < width; x++) data.fill(0, 4 * (y * width + x), 4 * (y * width + x) + 3);
    return { width, height, data };
  }

  it('every control point ends inside the content box, strokes pressed against its top', async () => {
    const size = 48,
      image = bandImage(),
      model = createPixelLossModel(size);
    const box = contentBox(canvasMap(image.width, image.height, size));
    expect(box.y1 - box.y0).toBeGreaterThan(4); // a real box, not a collapsed line
    const result = await sketchify(
      image,
      { strokes: 4, iterations: 80, views: 1, seeds: 1, lr: 2, earlyStop: false, backend: 'cpu' },
      { model },
    );
    const ys = result.canvasPoints.filter((_, i) => i % 2 === 1);
    const xs = result.canvasPoints.filter((_, i) => i % 2 === 0);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(box.y0 - 1e-4);
    expect(Math.max(...ys)).toBeLessThanOrEqual(box.y1 + 1e-4);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(box.x0 - 1e-4);
    expect(Math.max(...xs)).toBeLessThanOrEqual(box.x1 + 1e-4);
    // The pull is real: some points sit on the box's top bound (without the clamp they go on up).
    expect(ys.some((y) => Math.abs(y - box.y0) < 1e-3)).toBe(true);
  });
});
