// Antialiased linear downsampling inside a graph (PIL's resize with the bilinear filter):
// output o of n samples taken from m has its centre at c = (o + 0.5)·m/n − 0.5 and tap
// weights max(0, 1 − |t − c|·n/m), renormalized over the taps that lie inside the image.
// For m:n = p:q in lowest terms the taps repeat every q outputs (shifted by p inputs), so an
// axis is ONE grouped Conv with stride p whose q output channels are the phases, interleaved
// by Reshape/Transpose, then a constant factor renormalizing the outputs whose taps leave
// the image (the Conv pads with zeros). A few million multiply-adds instead of a dense
// m×n MatMul per row, and the gradient is the Conv's adjoint.
import type { Tensor } from './graph.ts';
import { mul } from './ops/elementwise.ts';
import { conv } from './ops/conv.ts';
import { reshape, slice, transpose } from './ops/shape.ts';

export interface Taps {
  /** First input index of output o's taps. */
  start: number;
  /** Weights of inputs start, start + 1, ... (in-range only, summing to 1). */
  weights: number[];
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Unnormalized triangle weight of input t for output o (m inputs to n outputs). */
function triangle(o: number, t: number, m: number, n: number): number {
  const scale = m / n;
  const centre = (o + 0.5) * scale - 0.5;
  return Math.max(0, 1 - Math.abs(t - centre) / scale);
}

/** The in-range taps of every output: the reference the graph form is tested against. */
export function linearResampleTaps(m: number, n: number): Taps[] {
  const scale = m / n;
  return Array.from({ length: n }, (_, o) => {
    const centre = (o + 0.5) * scale - 0.5;
    const start = Math.max(0, Math.floor(centre - scale) + 1);
    const end = Math.min(m - 1, Math.ceil(centre + scale) - 1);
    const raw: number[] = [];
    for (let t = start; t <= end; t++) raw.push(triangle(o, t, m, n));
    const sum = raw.reduce((a, b) => a + b, 0);
    return { start, weights: raw.map((w) => w / sum) };
  });
}

interface AxisPlan {
  p: number;
  q: number;
  /** Phase kernels [q, k]: phase r's weight for input p·j + tMin + k of output q·j + r. */
  kernels: Float32Array;
  k: number;
  padBefore: number;
  padAfter: number;
  /** Per output: 1 / (sum of its interior-normalized weights that fall inside the image). */
  border: Float64Array;
}

function planAxis(m: number, n: number): AxisPlan {
  const g = gcd(m, n);
  const p = m / g;
  const q = n / g;
  const scale = m / n;
  // Phase r's taps relative to p·j, with weights normalized as if no tap left the image.
  const phases = Array.from({ length: q }, (_, r) => {
    const centre = (r + 0.5) * scale - 0.5;
    const lo = Math.floor(centre - scale) + 1;
    const hi = Math.ceil(centre + scale) - 1;
    const w: number[] = [];
    for (let t = lo; t <= hi; t++) w.push(triangle(r, t, m, n));
    const sum = w.reduce((a, b) => a + b, 0);
    return { lo, weights: w.map((x) => x / sum) };
  });
  const tMin = Math.min(...phases.map((ph) => ph.lo));
  const tMax = Math.max(...phases.map((ph) => ph.lo + ph.weights.length - 1));
  const k = tMax - tMin + 1;
  const kernels = new Float32Array(q * k);
  phases.forEach((ph, r) => ph.weights.forEach((w, i) => (kernels[r * k + ph.lo - tMin + i] = w)));
  const padBefore = -tMin;
  const padAfter = Math.max(0, p * (g - 1) + tMax + 1 - m);
  const border = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    const ph = phases[o % q];
    const first = p * Math.floor(o / q) + ph.lo;
    let inside = 0;
    ph.weights.forEach((w, i) => {
      if (first + i >= 0 && first + i < m) inside += w;
    });
    border[o] = 1 / inside;
  }
  return { p, q, kernels, k, padBefore, padAfter, border };
}

/** The first `length` entries of `axis` (no op when that is all of it). */
function firstOf(t: Tensor, axis: number, length: number): Tensor {
  return t.shape[axis] === length ? t : slice(t, [0], [length], [axis]);
}

/** Downsamples square NCHW images [B, C, m, m] to [B, C, n, n] (n <= m; n = m is a no-op). */
export function downsampleLinear(x: Tensor, n: number): Tensor {
  const [b, c, m, mw] = x.shape;
  if (x.rank !== 4 || m !== mw) throw new Error(`downsampleLinear: expects square NCHW images, got ${x}`);
  if (!Number.isInteger(n) || n < 1 || n > m) throw new Error(`downsampleLinear: output side must be an integer in [1, ${m}], got ${n}`);
  if (n === m) return x;
  if (m / gcd(m, n) > 64) throw new Error(`downsampleLinear: ${m} -> ${n} has no short period (stride ${m / gcd(m, n)})`);
  const plan = planAxis(m, n);
  const { p, q, k } = plan;
  const g = x.graph;
  const kernel = (shape: number[]): Tensor => {
    const data = new Float32Array(c * q * k);
    for (let ch = 0; ch < c; ch++) data.set(plan.kernels, ch * q * k);
    return g.weight(`resample_${m}_${n}_${shape.join('x')}`, data, shape);
  };
  // Width: [B, C·q, m, J] -> [B, C, m, J, q] -> [B, C, m, n].
  const j = n / q;
  // (Without right padding the strided Conv may produce more than J phases' worth: cut them.)
  const alongW = firstOf(
    conv(x, kernel([c * q, 1, 1, k]), null, { strides: [1, p], pads: [0, plan.padBefore, 0, plan.padAfter], group: c }),
    3,
    j,
  );
  const w = reshape(transpose(reshape(alongW, [b, c, q, m, j]), [0, 1, 3, 4, 2]), [b, c, m, n]);
  // Height: [B, C·q, J, n] -> [B, C, J, q, n] -> [B, C, n, n].
  const alongH = firstOf(
    conv(w, kernel([c * q, 1, k, 1]), null, { strides: [p, 1], pads: [plan.padBefore, 0, plan.padAfter, 0], group: c }),
    2,
    j,
  );
  const hw = reshape(transpose(reshape(alongH, [b, c, q, j, n]), [0, 1, 3, 2, 4]), [b, c, n, n]);
  const factor = new Float32Array(n * n);
  for (let r = 0; r < n; r++) for (let col = 0; col < n; col++) factor[r * n + col] = plan.border[r] * plan.border[col];
  return mul(hw, g.weight(`resample_${m}_${n}_border`, factor, [n, n]));
}
