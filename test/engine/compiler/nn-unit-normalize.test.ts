// The embedded model's tap normalization (LPIPS-style): the loss compares each position's
// feature direction, so a large high-magnitude area (rocket's lit ground) cannot outweigh a
// pattern mismatch at a thin structure through a mere difference in contrast.
import { describe, expect, it } from 'vitest';
import { Graph } from '../../../src/engine/compiler/graph.ts';
import { mse, unitNormalize } from '../../../src/engine/compiler/index.ts';
import { runOrt } from '../../helpers/nn-check.ts';

/** Raw and unit-normalized MSE between candidate and target features [1, 2, 1, 2] (C=2 channels, 2 positions). */
async function distances(candidate: number[], target: number[]): Promise<{ raw: number; unit: number }> {
  const g = new Graph('unit-normalize');
  const x = g.input('x', [1, 2, 1, 2]);
  const t = g.input('t', [1, 2, 1, 2]);
  g.output(mse(x, t), 'raw');
  g.output(mse(unitNormalize(x, 1), unitNormalize(t, 1)), 'unit');
  const out = await runOrt(g, { x: Float32Array.from(candidate), t: Float32Array.from(target) });
  return { raw: out.raw[0], unit: out.unit[0] };
}

describe('unit-normalized feature distance', () => {
  // NCHW layout [c0p0, c0p1, c1p0, c1p1]. Target: position 0 a strong response (100, 0), a
  // bright area; position 1 a weak one of another pattern (0, 1), a thin structure.
  const target = [100, 0, 0, 1];
  // A: the bright area 10 % dimmer, the thin structure's pattern wrong. B: the bright area at
  // half strength (same pattern), the thin structure right.
  const a = [90, 1, 0, 0];
  const b = [50, 0, 0, 1];

  it("raw L2 prefers the sketch that matches the bright area's magnitude; unit-normalized prefers the right patterns", async () => {
    const da = await distances(a, target);
    const db = await distances(b, target);
    expect(da.raw).toBeLessThan(db.raw); // 101/4 vs 2500/4: contrast dominates
    expect(db.unit).toBeCloseTo(0, 6); // same direction at both positions
    expect(da.unit).toBeCloseTo(2 / 4, 5); // |(1,0) - (0,1)|^2 = 2 at position 1, mean over 4 values
  });

  it("ignores a per-position rescaling and bounds each position's share", async () => {
    expect((await distances([300, 0, 0, 0.5], target)).unit).toBeCloseTo(0, 5); // x3 and x0.5
    // Position 1 turned by 45 degrees: |(0, 1) - (1, 1)/sqrt2|^2 = 2 - sqrt2, mean over 4 values.
    expect((await distances([300, 0.5, 0, 0.5], target)).unit).toBeCloseTo((2 - Math.SQRT2) / 4, 5);
    // Opposite directions at both positions: the largest possible difference, 4 per position.
    expect((await distances([-1, 0, 0, -1], target)).unit).toBeCloseTo(2, 5);
  });
});
