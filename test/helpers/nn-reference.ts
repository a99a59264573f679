// An independent float64 interpreter of the builder's forward ops, written from the ONNX
// operator definitions in plain TypeScript. It shares no op code with the compiler, so it
// checks ONNX outputs (forward) and, through central finite differences, the gradients.
import { fromHalfBits, toHalfBits } from '../../src/engine/compiler/fp16.ts';
import type { Graph, Node, Tensor } from '../../src/engine/compiler/graph.ts';

export interface Arr {
  shape: number[];
  data: Float64Array;
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const stridesOf = (s: readonly number[]): number[] => {
  const st = new Array<number>(s.length).fill(1);
  for (let i = s.length - 2; i >= 0; i--) st[i] = st[i + 1] * s[i + 1];
  return st;
};
const arr = (shape: number[], data?: Float64Array): Arr => ({ shape, data: data ?? new Float64Array(size(shape)) });

function halfToFloat(h: number): number {
  const e = (h >> 10) & 31;
  const m = h & 1023;
  const v = e === 0 ? m * 2 ** -24 : e === 31 ? (m ? NaN : Infinity) : (1 + m / 1024) * 2 ** (e - 15);
  return h & 0x8000 ? -v : v;
}

function constant(t: Tensor): Arr {
  const v = t.value!;
  const data =
    v instanceof BigInt64Array
      ? Float64Array.from(v, Number)
      : t.dtype === 'float16'
        ? Float64Array.from(v as Uint16Array, halfToFloat)
        : Float64Array.from(v as ArrayLike<number>);
  return arr([...t.shape], data);
}

/** Index of the broadcast source element for output multi-index `idx`. */
function srcOffset(idx: number[], shape: number[]): number {
  const off = idx.length - shape.length;
  let o = 0;
  for (let i = 0; i < shape.length; i++) o = o * shape[i] + (shape[i] === 1 ? 0 : idx[off + i]);
  return o;
}

function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

function bshape(...shapes: number[][]): number[] {
  const r = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: r }, (_, i) => Math.max(...shapes.map((s) => s[s.length - r + i] ?? 1)));
}

function broadcast(xs: Arr[], f: (...v: number[]) => number): Arr {
  const shape = bshape(...xs.map((x) => x.shape));
  const out = arr(shape);
  for (let i = 0; i < out.data.length; i++) {
    const idx = unravel(i, shape);
    out.data[i] = f(...xs.map((x) => x.data[srcOffset(idx, x.shape)]));
  }
  return out;
}

const map = (x: Arr, f: (v: number) => number): Arr => arr([...x.shape], x.data.map(f));

/** erf by its Maclaurin series (|x| < 3) or the continued fraction of erfc, ~1e-15. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return Math.sign(x) * (1 - erfc);
}

function reduce(x: Arr, axes: number[], keep: boolean, mean: boolean): Arr {
  const set = new Set((axes.length ? axes : x.shape.map((_, i) => i)).map((a) => (a < 0 ? a + x.shape.length : a)));
  const kshape = x.shape.map((d, i) => (set.has(i) ? 1 : d));
  const out = arr(kshape);
  for (let i = 0; i < x.data.length; i++) out.data[srcOffset(unravel(i, x.shape), kshape)] += x.data[i];
  const n = x.data.length / out.data.length;
  if (mean) for (let i = 0; i < out.data.length; i++) out.data[i] /= n;
  return keep
    ? out
    : arr(
        x.shape.filter((_, i) => !set.has(i)),
        out.data,
      );
}

function conv(x: Arr, w: Arr, b: Arr | undefined, at: Record<string, unknown>): Arr {
  const [n, c, h, wd] = x.shape;
  const [m, cg, kh, kw] = w.shape;
  const [sh, sw] = (at.strides as number[]) ?? [1, 1];
  const [pt, pl, pb, pr] = (at.pads as number[]) ?? [0, 0, 0, 0];
  const [dh, dw] = (at.dilations as number[]) ?? [1, 1];
  const group = (at.group as number) ?? 1;
  const ho = Math.floor((h + pt + pb - (dh * (kh - 1) + 1)) / sh) + 1;
  const wo = Math.floor((wd + pl + pr - (dw * (kw - 1) + 1)) / sw) + 1;
  const out = arr([n, m, ho, wo]);
  const mg = m / group;
  for (let b0 = 0; b0 < n; b0++)
    for (let o = 0; o < m; o++) {
      const g = Math.floor(o / mg);
      for (let y = 0; y < ho; y++)
        for (let xx = 0; xx < wo; xx++) {
          let s = b ? b.data[o] : 0;
          for (let ci = 0; ci < cg; ci++)
            for (let ky = 0; ky < kh; ky++) {
              const iy = y * sh - pt + ky * dh;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = xx * sw - pl + kx * dw;
                if (ix < 0 || ix >= wd) continue;
                s += x.data[((b0 * c + g * cg + ci) * h + iy) * wd + ix] * w.data[((o * cg + ci) * kh + ky) * kw + kx];
              }
            }
          out.data[((b0 * m + o) * ho + y) * wo + xx] = s;
        }
    }
  return out;
}

function convTranspose(x: Arr, w: Arr, at: Record<string, unknown>): Arr {
  const [n, c, h, wd] = x.shape;
  const [, mg, kh, kw] = w.shape;
  const [sh, sw] = (at.strides as number[]) ?? [1, 1];
  const [pt, pl, pb, pr] = (at.pads as number[]) ?? [0, 0, 0, 0];
  const [dh, dw] = (at.dilations as number[]) ?? [1, 1];
  const [oph, opw] = (at.output_padding as number[]) ?? [0, 0];
  const group = (at.group as number) ?? 1;
  const ho = sh * (h - 1) + oph + (kh - 1) * dh + 1 - pt - pb;
  const wo = sw * (wd - 1) + opw + (kw - 1) * dw + 1 - pl - pr;
  const m = mg * group;
  const cgrp = c / group;
  const out = arr([n, m, ho, wo]);
  for (let b0 = 0; b0 < n; b0++)
    for (let ci = 0; ci < c; ci++) {
      const g = Math.floor(ci / cgrp);
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < wd; xx++) {
          const v = x.data[((b0 * c + ci) * h + y) * wd + xx];
          for (let mo = 0; mo < mg; mo++)
            for (let ky = 0; ky < kh; ky++) {
              const oy = y * sh - pt + ky * dh;
              if (oy < 0 || oy >= ho) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ox = xx * sw - pl + kx * dw;
                if (ox < 0 || ox >= wo) continue;
                out.data[((b0 * m + g * mg + mo) * ho + oy) * wo + ox] += v * w.data[((ci * mg + mo) * kh + ky) * kw + kx];
              }
            }
        }
    }
  return out;
}

function matmul(a: Arr, b: Arr, ta = false, tb = false, alpha = 1): Arr {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [m, k] = ta ? [a.shape[ra - 1], a.shape[ra - 2]] : a.shape.slice(-2);
  const n = tb ? b.shape[rb - 2] : b.shape[rb - 1];
  const batch = bshape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = arr([...batch, m, n]);
  const nb = size(batch);
  for (let bi = 0; bi < nb; bi++) {
    const idx = unravel(bi, batch);
    const ao = srcOffset(idx, a.shape.slice(0, -2)) * a.shape[ra - 2] * a.shape[ra - 1];
    const bo = srcOffset(idx, b.shape.slice(0, -2)) * b.shape[rb - 2] * b.shape[rb - 1];
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a.data[ao + (ta ? q * m + i : i * k + q)] * b.data[bo + (tb ? j * k + q : q * n + j)];
        out.data[(bi * m + i) * n + j] = alpha * s;
      }
  }
  return out;
}

function transpose(x: Arr, perm: number[]): Arr {
  const shape = perm.map((p) => x.shape[p]);
  const st = stridesOf(x.shape);
  const out = arr(shape);
  for (let i = 0; i < out.data.length; i++) {
    const idx = unravel(i, shape);
    let o = 0;
    perm.forEach((p, d) => (o += idx[d] * st[p]));
    out.data[i] = x.data[o];
  }
  return out;
}

function softmax(x: Arr, axis: number): Arr {
  const ax = axis < 0 ? axis + x.shape.length : axis;
  const mx = reduce(
    map(x, (v) => v),
    [ax],
    true,
    false,
  ); // shape holder
  const maxes = arr(mx.shape).data.fill(-Infinity);
  for (let i = 0; i < x.data.length; i++) {
    const o = srcOffset(unravel(i, x.shape), mx.shape);
    maxes[o] = Math.max(maxes[o], x.data[i]);
  }
  const e = arr([...x.shape]);
  const sums = new Float64Array(maxes.length);
  for (let i = 0; i < x.data.length; i++) {
    const o = srcOffset(unravel(i, x.shape), mx.shape);
    e.data[i] = Math.exp(x.data[i] - maxes[o]);
    sums[o] += e.data[i];
  }
  for (let i = 0; i < x.data.length; i++) e.data[i] /= sums[srcOffset(unravel(i, x.shape), mx.shape)];
  return e;
}

function layerNorm(x: Arr, scale: Arr, bias: Arr | undefined, axis: number, eps: number): Arr {
  const ax = axis < 0 ? axis + x.shape.length : axis;
  const axes = x.shape.map((_, i) => i).slice(ax);
  const mean = reduce(x, axes, true, true);
  const d = broadcast([x, mean], (a, b) => a - b);
  const v = reduce(
    map(d, (q) => q * q),
    axes,
    true,
    true,
  );
  const y = broadcast([d, v], (a, b) => a / Math.sqrt(b + eps));
  const s = broadcast([y, scale], (a, b) => a * b);
  return bias ? broadcast([s, bias], (a, b) => a + b) : s;
}

function avgPool(x: Arr, at: Record<string, unknown>): Arr {
  const [n, c, h, w] = x.shape;
  const [kh, kw] = at.kernel_shape as number[];
  const [sh, sw] = (at.strides as number[]) ?? [1, 1];
  const [pt, pl, pb, pr] = (at.pads as number[]) ?? [0, 0, 0, 0];
  const ho = Math.floor((h + pt + pb - kh) / sh) + 1;
  const wo = Math.floor((w + pl + pr - kw) / sw) + 1;
  const out = arr([n, c, ho, wo]);
  for (let p = 0; p < n * c; p++)
    for (let y = 0; y < ho; y++)
      for (let xx = 0; xx < wo; xx++) {
        let s = 0;
        let cnt = 0;
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const iy = y * sh - pt + ky;
            const ix = xx * sw - pl + kx;
            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
              s += x.data[(p * h + iy) * w + ix];
              cnt++;
            }
          }
        out.data[(p * ho + y) * wo + xx] = s / (at.count_include_pad ? kh * kw : cnt);
      }
  return out;
}

function sliceArr(x: Arr, starts: number[], ends: number[], axes: number[]): Arr {
  const lo = x.shape.map(() => 0);
  const hi = [...x.shape];
  axes.forEach((a0, i) => {
    const a = a0 < 0 ? a0 + x.shape.length : a0;
    const cl = (v: number): number => Math.min(Math.max(v < 0 ? v + x.shape[a] : v, 0), x.shape[a]);
    lo[a] = cl(starts[i]);
    hi[a] = cl(ends[i]);
  });
  const shape = hi.map((h, i) => h - lo[i]);
  const st = stridesOf(x.shape);
  const out = arr(shape);
  for (let i = 0; i < out.data.length; i++) {
    const idx = unravel(i, shape);
    out.data[i] = x.data[idx.reduce((o, v, d) => o + (v + lo[d]) * st[d], 0)];
  }
  return out;
}

function padArr(x: Arr, pads: number[], value: number): Arr {
  const r = x.shape.length;
  const shape = x.shape.map((d, i) => d + pads[i] + pads[r + i]);
  const out = arr(shape);
  out.data.fill(value);
  const st = stridesOf(shape);
  for (let i = 0; i < x.data.length; i++) {
    const idx = unravel(i, x.shape);
    out.data[idx.reduce((o, v, d) => o + (v + pads[d]) * st[d], 0)] = x.data[i];
  }
  return out;
}

type Impl = (ins: (Arr | undefined)[], at: Record<string, unknown>) => Arr;
const ints = (a: Arr | undefined): number[] => Array.from(a!.data);
const IMPL: Record<string, Impl> = {
  Identity: ([x]) => x!,
  Cast: ([x]) => x!,
  Add: ([a, b]) => broadcast([a!, b!], (p, q) => p + q),
  Sub: ([a, b]) => broadcast([a!, b!], (p, q) => p - q),
  Mul: ([a, b]) => broadcast([a!, b!], (p, q) => p * q),
  Div: ([a, b]) => broadcast([a!, b!], (p, q) => p / q),
  Neg: ([x]) => map(x!, (v) => -v),
  Relu: ([x]) => map(x!, (v) => Math.max(v, 0)),
  Sigmoid: ([x]) => map(x!, (v) => 1 / (1 + Math.exp(-v))),
  Tanh: ([x]) => map(x!, Math.tanh),
  Exp: ([x]) => map(x!, Math.exp),
  Sqrt: ([x]) => map(x!, Math.sqrt),
  Erf: ([x]) => map(x!, erf),
  Clip: ([x, lo, hi]) => map(x!, (v) => Math.min(Math.max(v, lo ? lo.data[0] : -Infinity), hi ? hi.data[0] : Infinity)),
  Greater: ([a, b]) => broadcast([a!, b!], (p, q) => +(p > q)),
  Less: ([a, b]) => broadcast([a!, b!], (p, q) => +(p < q)),
  Equal: ([a, b]) => broadcast([a!, b!], (p, q) => +(p === q)),
  And: ([a, b]) => broadcast([a!, b!], (p, q) => +(p && q)),
  Where: ([c, a, b]) => broadcast([c!, a!, b!], (p, q, r) => (p ? q : r)),
  MatMul: ([a, b]) => matmul(a!, b!),
  Gemm([a, b, c], at) {
    const y = matmul(a!, b!, !!at.transA, !!at.transB, (at.alpha as number) ?? 1);
    const beta = (at.beta as number) ?? 1;
    return c ? broadcast([y, c], (p, q) => p + beta * q) : y;
  },
  Conv: ([x, w, b], at) => conv(x!, w!, b, at),
  ConvTranspose: ([x, w], at) => convTranspose(x!, w!, at),
  AveragePool: ([x], at) => avgPool(x!, at),
  GlobalAveragePool: ([x]) => reduce(x!, [2, 3], true, true),
  Reshape: ([x, s]) => arr(ints(s), x!.data),
  Transpose: ([x], at) => transpose(x!, at.perm as number[]),
  Concat(ins, at) {
    const xs = ins as Arr[];
    const ax = (at.axis as number) < 0 ? (at.axis as number) + xs[0].shape.length : (at.axis as number);
    const shape = [...xs[0].shape];
    shape[ax] = xs.reduce((s, x) => s + x.shape[ax], 0);
    const out = arr(shape);
    let offset = 0;
    for (const x of xs) {
      for (let i = 0; i < x.data.length; i++) {
        const idx = unravel(i, x.shape);
        idx[ax] += offset;
        out.data[idx.reduce((o, v, d) => o * shape[d] + v, 0)] = x.data[i];
      }
      offset += x.shape[ax];
    }
    return out;
  },
  Slice: ([x, s, e, a]) => sliceArr(x!, ints(s), ints(e), a ? ints(a) : ints(s).map((_, i) => i)),
  Pad: ([x, p, v]) => padArr(x!, ints(p), v ? v.data[0] : 0),
  Expand: ([x, s]) => broadcast([x!, arr(ints(s))], (p) => p),
  ReduceSum: ([x, a], at) => reduce(x!, a ? ints(a) : [], at.keepdims !== 0, false),
  ReduceMean: ([x], at) => reduce(x!, (at.axes as number[]) ?? [], at.keepdims !== 0, true),
  Softmax: ([x], at) => softmax(x!, (at.axis as number) ?? -1),
  LayerNormalization: ([x, s, b], at) => layerNorm(x!, s!, b, (at.axis as number) ?? -1, (at.epsilon as number) ?? 1e-5),
};

/** Evaluates the tensors `wanted` (and what they depend on) given graph input values. */
/** Each value rounded to the nearest float16 (what a half-precision tensor stores). */
function roundHalf(a: Arr): Arr {
  return arr(
    a.shape,
    a.data.map((v) => fromHalfBits(toHalfBits(v))),
  );
}

export interface EvaluateOptions {
  /** Nodes that store in float16: their float inputs and outputs are rounded to it. */
  half?: ReadonlySet<Node>;
}

export function evaluate(
  graph: Graph,
  feeds: Record<string, Float64Array | Float32Array>,
  wanted: readonly Tensor[],
  { half }: EvaluateOptions = {},
): Arr[] {
  const values = new Map<Tensor, Arr>();
  for (const t of graph.inputs) {
    const f = feeds[t.name];
    if (f) values.set(t, arr([...t.shape], Float64Array.from(f)));
  }
  const get = (t: Tensor): Arr => {
    const have = values.get(t);
    if (have) return have;
    if (t.value) {
      const c = constant(t);
      values.set(t, c);
      return c;
    }
    if (!t.producer) throw new Error(`reference: no value for input ${t}`);
    run(t.producer);
    return values.get(t)!;
  };
  const run = (node: Node): void => {
    const impl = IMPL[node.op.type];
    if (!impl) throw new Error(`reference: op ${node.op.type} not implemented`);
    const rounds = half?.has(node) ?? false;
    const isFloat = (t: Tensor): boolean => t.dtype === 'float32' || t.dtype === 'float16';
    let out = impl(
      node.inputs.map((t) => (t ? (rounds && isFloat(t) ? roundHalf(get(t)) : get(t)) : undefined)),
      node.attrs as Record<string, unknown>,
    );
    if (rounds && isFloat(node.outputs[0])) out = roundHalf(out);
    if (out.data.length !== node.outputs[0].size)
      throw new Error(`reference: ${node.op.type} produced ${out.shape} for ${node.outputs[0]}`);
    values.set(node.outputs[0], arr([...node.outputs[0].shape], out.data));
  };
  // Evaluate in emission order (topological) the nodes the wanted tensors need.
  const need = new Set<Node>();
  const stack = wanted.map((t) => t.producer).filter((n): n is Node => !!n);
  while (stack.length) {
    const n = stack.pop()!;
    if (need.has(n)) continue;
    need.add(n);
    for (const t of n.inputs) if (t?.producer) stack.push(t.producer);
  }
  for (const n of graph.nodes) if (need.has(n)) run(n);
  return wanted.map(get);
}
