import { describe, expect, it } from 'vitest';
import { evalCubic } from '../../src/engine/geometry/bezier.ts';
import type { RgbaImage } from '../../src/engine/preprocess/image.ts';
import { preprocess } from '../../src/engine/preprocess/preprocess.ts';
import { sketchify } from '../../src/engine/sketch.ts';
import { barrierDistance } from '../../src/engine/subject/barrier.ts';
import { boxBlur, components, fillHoles } from '../../src/engine/subject/grid.ts';
import { BUSY_CLUTTER, describeSubject, findSubject, focusOnSubject } from '../../src/engine/subject/subject.ts';
import { xdogEdges } from '../../src/engine/init/xdog.ts';
import { focusHint } from '../../src/ui/focus-hint.ts';
import { createPixelLossModel } from '../helpers/engine-pixel-model.ts';
import { noise } from '../helpers/noise.ts';

const SIZE = 224;

/** A red disc (radius r, centre cx, cy as fractions) over green-and-brown diagonal stripes with noise: a busy background. */
function discOverStripes(
  width: number,
  height: number,
  cx = 0.5,
  cy = 0.5,
  r = 0.22,
  alphaBackground = 255,
): { image: RgbaImage; inside: (x: number, y: number) => boolean } {
  const data = new Uint8Array(width * height * 4);
  const jitter = noise(width * height, 7);
  const inside = (x: number, y: number): boolean => (x - cx * width) ** 2 + (y - cy * height) ** 2 <= (r * Math.min(width, height)) ** 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const stripe = Math.floor((x + y) / 9) % 2 === 0;
      const j = Math.round(30 * jitter[i]);
      const px = inside(x + 0.5, y + 0.5)
        ? [200, 30 + j, 40, 255]
        : stripe
          ? [30 + j, 90, 30, alphaBackground]
          : [200, 170 + j, 120, alphaBackground];
      data.set(px, 4 * i);
    }
  }
  return { image: { width, height, data }, inside };
}

function iou(mask: Float32Array, truth: (x: number, y: number) => boolean, scale: number, offX = 0, offY = 0): number {
  let both = 0,
    either = 0;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const m = mask[y * SIZE + x] > 0.5,
        t = truth((x + 0.5) * scale - offX, (y + 0.5) * scale - offY);
      if (m && t) both++;
      if (m || t) either++;
    }
  }
  return both / either;
}

describe('subject map: classical cues', () => {
  it('barrier distance: zero on a background connected to the border, the contrast inside an enclosed square', () => {
    const w = 20,
      h = 16;
    const img = new Float32Array(w * h).fill(0.2);
    for (let y = 5; y < 11; y++) for (let x = 6; x < 14; x++) img[y * w + x] = 0.9;
    const d = barrierDistance(img, w, h);
    expect(d[2 * w + 2]).toBeCloseTo(0, 6);
    expect(d[8 * w + 10]).toBeCloseTo(0.7, 5);
  });

  it('grid helpers: components count separate blobs, holes fill, a box blur keeps the mean', () => {
    const w = 10,
      h = 10,
      mask = new Uint8Array(w * h);
    for (let y = 1; y < 6; y++) for (let x = 1; x < 6; x++) mask[y * w + x] = y === 3 && x === 3 ? 0 : 1;
    mask[8 * w + 8] = 1;
    const { sizes } = components(mask, w, h);
    expect(sizes.slice(1).sort((a, b) => b - a)).toEqual([24, 1]);
    expect(fillHoles(mask, w, h)[3 * w + 3]).toBe(1);
    const values = Float32Array.from(noise(w * h, 3));
    const blurred = boxBlur(values, w, h, 2, 3);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean(blurred) - mean(values))).toBeLessThan(0.05);
  });

  it('finds a disc on a busy striped background (no alpha), off-centre and in a wide photo', () => {
    for (const [w, h, cx, cy] of [
      [224, 224, 0.5, 0.5],
      [300, 200, 0.4, 0.45],
    ] as const) {
      const { image, inside } = discOverStripes(w, h, cx, cy);
      const pre = preprocess(image, SIZE);
      const subject = findSubject(pre);
      expect(subject.source).toBe('estimate');
      expect(iou(subject.mask, inside, pre.map.scale, pre.map.offsetX, pre.map.offsetY)).toBeGreaterThan(0.85);
    }
  });

  it('takes the subject from transparency when the image has it', () => {
    const { image, inside } = discOverStripes(224, 224, 0.5, 0.5, 0.22, 0);
    const subject = findSubject(preprocess(image, SIZE));
    expect(subject.source).toBe('alpha');
    expect(iou(subject.mask, inside, 1)).toBeGreaterThan(0.97);
    expect(subject.area).toBeCloseTo(Math.PI * 0.22 ** 2, 1);
  });

  it('a uniform image has no subject: the whole image is drawn', () => {
    const data = new Uint8Array(64 * 64 * 4).fill(128);
    const subject = findSubject(preprocess({ width: 64, height: 64, data }, SIZE));
    expect(subject.source).toBe('whole');
  });

  it('focus fades the background to white and keeps the subject; the striped photo counts as busy', () => {
    const { image } = discOverStripes(224, 224);
    const pre = preprocess(image, SIZE);
    const subject = findSubject(pre);
    const seen = focusOnSubject(pre, subject.mask);
    expect(seen.gray[5 * SIZE + 5]).toBeCloseTo(1, 3);
    expect(seen.rgb[112 * SIZE + 112]).toBeCloseTo(pre.rgb[112 * SIZE + 112], 6);
    const summary = describeSubject(subject, xdogEdges(pre.gray, SIZE), pre);
    expect(summary.clutter).toBeGreaterThan(BUSY_CLUTTER);
    expect(summary.busy).toBe(true);
  });
});

/** Share of stroke length (canvas px) inside the disc. */
function shareInside(points: Float32Array, inside: (x: number, y: number) => boolean): number {
  let on = 0,
    total = 0;
  for (let s = 0; s < points.length / 8; s++) {
    for (let i = 0; i < 32; i++) {
      const [x, y] = evalCubic(points, s, (i + 0.5) / 32);
      total++;
      if (inside(x, y)) on++;
    }
  }
  return on / total;
}

describe('sketchify draws the subject, not the background', () => {
  it('with subject auto the strokes go to the disc; with subject off the stripes take most of them', async () => {
    const { image, inside } = discOverStripes(224, 224);
    const near = (x: number, y: number) => inside(x, y) || (x - 112) ** 2 + (y - 112) ** 2 <= (0.22 * 224 + 6) ** 2;
    const model = createPixelLossModel(SIZE);
    const options = { strokes: 8, iterations: 60, seeds: 1, views: 0, backend: 'cpu' as const };
    const focused = await sketchify(image, { ...options, subject: 'auto' }, { model });
    const whole = await sketchify(image, { ...options, subject: 'off' }, { model });
    expect(focused.subject.source).toBe('estimate');
    expect(whole.subject.source).toBe('off');
    expect(shareInside(focused.canvasPoints, near)).toBeGreaterThan(0.9);
    expect(shareInside(whole.canvasPoints, near)).toBeLessThan(0.6);
  });
});

describe('the panel line on what is sketched', () => {
  it('speaks of transparency for cut-outs, of Remove background for busy photos, and says nothing otherwise', () => {
    expect(focusHint({ source: 'alpha', busy: false })).toMatch(/transparent background is left out/);
    expect(focusHint({ source: 'estimate', busy: true })).toMatch(/Remove background/);
    expect(focusHint({ source: 'whole', busy: true })).toMatch(/Remove background/);
    expect(focusHint({ source: 'estimate', busy: false })).toBeNull();
    expect(focusHint(null)).toBeNull();
  });
});
