// Path data of an edited stroke -> the cubics the engine draws, and the record's fingerprint.
import { describe, expect, it } from 'vitest';
import { evalCubic } from '../../src/engine/index.ts';
import { pathCubics } from '../../src/plugin/path-cubics.ts';
import { fingerprint } from '../../src/plugin/sketch-record.ts';

describe('pathCubics', () => {
  it('one cubic as inserted', () => {
    expect(pathCubics('M 1 2 C 3 4 5 6 7 8')).toEqual([[1, 2, 3, 4, 5, 6, 7, 8]]);
  });

  it('lines, H, V and the closing Z become straight cubics; M pairs after the first are lines', () => {
    const c = pathCubics('M0,0 L 30 0 H 30 V 30 Z M 100 100 110 100');
    expect(c).toEqual([
      [0, 0, 10, 0, 20, 0, 30, 0],
      [30, 0, 30, 10, 30, 20, 30, 30],
      [30, 30, 20, 20, 10, 10, 0, 0],
      [100, 100, 100 + 10 / 3, 100, 100 + 20 / 3, 100, 110, 100],
    ]);
  });

  it('a quadratic is the same curve as its cubic', () => {
    const [c] = pathCubics('M 0 0 Q 10 20 30 0');
    for (const t of [0, 0.25, 0.5, 0.9, 1]) {
      const q = { x: 2 * (1 - t) * t * 10 + t * t * 30, y: 2 * (1 - t) * t * 20 };
      const p = evalCubic(c, 0, t);
      expect(p[0]).toBeCloseTo(q.x, 9);
      expect(p[1]).toBeCloseTo(q.y, 9);
    }
  });

  it('numbers in exponent form and signs without spaces', () => {
    expect(pathCubics('M1e1-2C3.5,.5 -1E-1 0 1 1')).toEqual([[10, -2, 3.5, 0.5, -0.1, 0, 1, 1]]);
  });

  it.each([
    ['A 1 1 0 0 1 2 2', /path command "A"/],
    ['M 0 0 C 1 2 3', /C needs 6 numbers/],
    ['1 2', /starts with a number/],
    ['M 0 0 L 1 #', /unexpected characters "#"/],
  ])('refuses %s', (data, message) => {
    expect(() => pathCubics(data)).toThrow(message);
  });
});

describe('fingerprint', () => {
  it('is 8 hex digits and changes with one character', () => {
    expect(fingerprint('NONE:M 0 0 C 1 1 2 2 3 3')).toMatch(/^[0-9a-f]{8}$/);
    expect(fingerprint('NONE:M 0 0 C 1 1 2 2 3 3')).not.toBe(fingerprint('NONE:M 0 0 C 1 1 2 2 3 4'));
  });
});
