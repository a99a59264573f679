import { describe, expect, it } from 'vitest';
import { Adam } from '../../../src/engine/optimize/adam-cpu.ts';

describe('Adam', () => {
  it('first step moves every parameter by lr against the gradient sign (bias correction)', () => {
    const p = Float64Array.of(1, -2, 3);
    new Adam(3, { lr: 0.5 }).step(p, [4, -0.001, 1e3]);
    expect(p[0]).toBeCloseTo(0.5, 6);
    expect(p[1]).toBeCloseTo(-1.5, 4);
    expect(p[2]).toBeCloseTo(2.5, 6);
  });

  it('converges on an ill-conditioned quadratic', () => {
    const a = [100, 1, 0.01],
      c = [3, -7, 0.5];
    const p = new Float64Array(3);
    const adam = new Adam(3, { lr: 0.1 });
    for (let t = 0; t < 3000; t++)
      adam.step(
        p,
        a.map((ai, i) => 2 * ai * (p[i] - c[i])),
      );
    p.forEach((v, i) => expect(v).toBeCloseTo(c[i], 2));
    expect(adam.steps).toBe(3000);
  });

  it('rejects bad sizes and learning rates', () => {
    expect(() => new Adam(2, { lr: 0 })).toThrow(/lr must be > 0/);
    expect(() => new Adam(2, { lr: 1 }).step(new Float32Array(3), [1, 2, 3])).toThrow(/expected 2 params/);
  });
});

describe('learningRate', () => {
  it('constant keeps the peak; cosine decays from the peak to a tenth', async () => {
    const { learningRate, COSINE_FLOOR } = await import('../../../src/engine/optimize/schedule.ts');
    expect(learningRate('constant', 2, 50, 100)).toBe(2);
    expect(learningRate('cosine', 2, 1, 100)).toBe(2);
    expect(learningRate('cosine', 2, 100, 100)).toBeCloseTo(2 * COSINE_FLOOR, 12);
    expect(learningRate('cosine', 2, 50.5, 100)).toBeCloseTo(2 * (COSINE_FLOOR + (1 - COSINE_FLOOR) / 2), 12);
    const rates = Array.from({ length: 100 }, (_, i) => learningRate('cosine', 2, i + 1, 100));
    expect(rates.every((r, i) => i === 0 || r <= rates[i - 1])).toBe(true);
  });

  it('Adam.step takes a per-step learning rate', () => {
    const p = Float64Array.of(0);
    new Adam(1, { lr: 1 }).step(p, [1], 0.25);
    expect(p[0]).toBeCloseTo(-0.25, 6);
  });
});
