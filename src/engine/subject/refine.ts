// Pulls a rough subject map onto the subject's outline with a colour model (the idea of
// GrabCut without the graph cut): colour histograms of subject and background, weighted by the
// current map, give each pixel a colour posterior; combined with a blurred copy of the map as a
// spatial prior, the map sharpens where colours separate and stays put where they do not.
import { boxBlur } from './grid.ts';

const BINS = 12;

function binOf(rgb: Float32Array, n: number, i: number): number {
  const q = (v: number): number => Math.min(BINS - 1, Math.floor(v * BINS));
  return (q(rgb[i]) * BINS + q(rgb[n + i])) * BINS + q(rgb[2 * n + i]);
}

/** `iterations` rounds of colour posterior x spatial prior over a w x h map in [0, 1]. */
export function refineByColour(rgb: Float32Array, prior: Float32Array, w: number, h: number, iterations = 4): Float32Array {
  const n = w * h;
  const bins = new Int32Array(n);
  for (let i = 0; i < n; i++) bins[i] = binOf(rgb, n, i);
  const spread = Math.max(2, Math.round(0.03 * Math.max(w, h)));
  let map = prior;
  for (let round = 0; round < iterations; round++) {
    const fg = new Float64Array(BINS ** 3).fill(0.5),
      bg = new Float64Array(BINS ** 3).fill(0.5);
    let fgTotal = 0,
      bgTotal = 0;
    for (let i = 0; i < n; i++) {
      fg[bins[i]] += map[i];
      bg[bins[i]] += 1 - map[i];
      fgTotal += map[i];
      bgTotal += 1 - map[i];
    }
    const spatial = boxBlur(map, w, h, spread, 2);
    const next = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const likeFg = fg[bins[i]] / (fgTotal + 1),
        likeBg = bg[bins[i]] / (bgTotal + 1);
      const s = Math.min(0.98, Math.max(0.02, spatial[i]));
      const a = likeFg * s,
        b = likeBg * (1 - s);
      next[i] = a / (a + b);
    }
    map = boxBlur(next, w, h, 1, 1);
  }
  return map;
}
