import { describe, expect, it } from 'vitest';
import { validateImage, type RgbaImage } from '../../src/engine/preprocess/image.ts';
import {
  areaWeights,
  canvasMap,
  canvasToImage,
  contentMask,
  contentRect,
  imageToCanvas,
  preprocess,
} from '../../src/engine/preprocess/preprocess.ts';

function solid(width: number, height: number, rgba: [number, number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set(rgba, 4 * i);
  return { width, height, data };
}

describe('preprocess', () => {
  it('pads a wide image with white above and below, never stretching it', () => {
    const { gray, map } = preprocess(solid(40, 20, [0, 0, 0, 255]), 20);
    expect(map.scale).toBe(2);
    expect(map.offsetY).toBe(10);
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 20; x++) expect(gray[y * 20 + x]).toBeCloseTo(y >= 5 && y < 15 ? 0 : 1, 6);
    }
  });

  it('pads a tall image left and right, with a fractional border blended by area', () => {
    const { rgb } = preprocess(solid(17, 34, [0, 0, 0, 255]), 4);
    // side 34 -> 8.5 input px per canvas px; the image spans x in [8.5, 25.5): columns 1 and 2 exactly.
    expect(Array.from(rgb.subarray(0, 4)).map((v) => +v.toFixed(5))).toEqual([1, 0, 0, 1]);
  });

  it('composites alpha over white', () => {
    const { rgb } = preprocess(solid(16, 16, [255, 0, 0, 0]), 16);
    expect(Math.min(...rgb)).toBeCloseTo(1, 6);
    const half = preprocess(solid(16, 16, [0, 0, 0, 128]), 16);
    expect(half.gray[0]).toBeCloseTo(1 - 128 / 255, 5);
  });

  it('downscales with a box filter: a 1-px checkerboard becomes uniform gray (no aliasing)', () => {
    const size = 64;
    const img = solid(2 * size, 2 * size, [255, 255, 255, 255]);
    for (let y = 0; y < 2 * size; y++)
      for (let x = 0; x < 2 * size; x++) if ((x + y) % 2) img.data.set([0, 0, 0, 255], 4 * (y * 2 * size + x));
    const { gray } = preprocess(img, size);
    for (const v of gray) expect(v).toBeCloseTo(0.5, 5);
  });

  it('area weights of every output sample sum to 1 (image + padding)', () => {
    const w = areaWeights(7, 23, 3.5, 16);
    for (let i = 0; i < 7; i++) expect(w.weights[i].reduce((a, b) => a + b, 0) + w.white[i]).toBeCloseTo(1, 12);
  });

  it('maps canvas coordinates back to input pixels and forth', () => {
    const map = canvasMap(300, 150, 224);
    expect(canvasToImage(map, 0, 56)).toEqual([0, 0]);
    const [x1, y1] = canvasToImage(map, 224, 168);
    expect(x1).toBeCloseTo(300, 9);
    expect(y1).toBeCloseTo(150, 9);
    const [cx, cy] = imageToCanvas(map, 123.4, 56.7);
    const [x, y] = canvasToImage(map, cx, cy);
    expect(x).toBeCloseTo(123.4, 9);
    expect(y).toBeCloseTo(56.7, 9);
  });
});

describe('validateImage', () => {
  it.each([
    [{ width: 15, height: 100 }, /at least 16 px/],
    [{ width: 100, height: 4097 }, /at most 4096 px/],
    [{ width: 0, height: 20 }, /positive integers/],
  ])('rejects %o', (size, message) => {
    expect(() => validateImage({ ...size, data: new Uint8Array(Math.max(0, size.width * size.height * 4)) })).toThrow(message);
  });

  it('rejects data of the wrong length', () => {
    expect(() => validateImage({ width: 16, height: 16, data: new Uint8Array(10) })).toThrow(/expected width\*height\*4 = 1024/);
  });
});

describe('content region', () => {
  it('a tall image: the rectangle its pixels cover, the mask keeps a margin on the padded sides only', () => {
    const map = canvasMap(50, 100, 20); // scale 5: the content is canvas x 5..15, y 0..20
    expect(contentRect(map)).toEqual({ x0: 5, y0: 0, x1: 15, y1: 20 });
    const mask = contentMask(map, 2);
    const cols = (y: number) => Array.from({ length: 20 }, (_, x) => mask[y * 20 + x]).join('');
    for (const y of [0, 10, 19]) expect(cols(y)).toBe('00000001111110000000'); // x 7..12: 2 px from 5 and 15
    expect(contentMask(canvasMap(30, 30, 20), 2).every((v) => v === 1)).toBe(true); // square: nothing padded
  });

  it('maps a fractional rectangle conservatively (pixels wholly inside)', () => {
    const map = canvasMap(224, 149, 224); // content y 37.5..186.5
    const mask = contentMask(map, 0);
    expect([mask[37 * 224 + 5], mask[38 * 224 + 5], mask[185 * 224 + 5], mask[186 * 224 + 5]]).toEqual([0, 1, 1, 0]);
  });
});

describe('preprocess: opacity for the subject map', () => {
  it('is null for an opaque image and follows the alpha channel (padding 0) otherwise', () => {
    expect(preprocess(solid(16, 16, [10, 20, 30, 255]), 16).alpha).toBeNull();
    const half = preprocess(solid(32, 16, [0, 0, 0, 128]), 32).alpha!;
    expect(half[0]).toBe(0); // padding row above the wide image
    expect(half[16 * 32 + 16]).toBeCloseTo(128 / 255, 5);
  });
});
