import { describe, expect, it } from 'vitest';
import { inkMask, symmetricChamfer } from '../bench/_metrics.ts';

describe('symmetricChamfer', () => {
  const size = 20;
  const line = (x: number) => {
    const m = new Uint8Array(size * size);
    for (let y = 0; y < size; y++) m[y * size + x] = 1;
    return m;
  };

  it('is 0 for identical masks and the offset for two parallel lines', () => {
    expect(symmetricChamfer(line(5), line(5), size)).toBe(0);
    expect(symmetricChamfer(line(5), line(8), size)).toBe(3);
  });

  it('averages both directions: an extra far point costs only one side', () => {
    const a = line(5);
    const b = line(5);
    b[0 * size + 15] = 1; // one point 10 px from the line
    expect(symmetricChamfer(a, b, size)).toBeCloseTo((0 + 10 / 21) / 2, 9);
    expect(symmetricChamfer(a, new Uint8Array(size * size), size)).toBe(Infinity);
  });

  it('ink mask thresholds at half ink', () => {
    expect(Array.from(inkMask(Float32Array.of(0, 0.49, 0.5, 1)))).toEqual([1, 1, 0, 0]);
  });
});
