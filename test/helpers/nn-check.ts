// Shared machinery of the compiler tests: seeded data, onnxruntime-web (wasm, one thread)
// runs, and gradient checks against central finite differences of the float64 reference.
import * as ort from 'onnxruntime-web';
import { serializeModel } from '../../src/engine/compiler/onnx.ts';
import type { Graph, Shape, Tensor } from '../../src/engine/compiler/graph.ts';
import { evaluate } from './nn-reference.ts';
import { mulberry32 } from '../../src/engine/random.ts';

ort.env.wasm.numThreads = 1;
export { ort };

/** Deterministic uniform [-1, 1) values rounded to float32 (mulberry32). */
export function seeded(seed: number): () => number {
  const random = mulberry32(seed);
  return () => Math.fround(random() * 2 - 1);
}

export function randomArray(n: number, seed: number, scale = 1, offset = 0): Float32Array {
  const r = seeded(seed);
  return Float32Array.from({ length: n }, () => r() * scale + offset);
}

export async function runOrt(graph: Graph, feeds: Record<string, Float32Array>): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(serializeModel(graph), { executionProviders: ['wasm'] });
  const inputs: Record<string, ort.Tensor> = {};
  for (const t of graph.inputs) inputs[t.name] = new ort.Tensor('float32', feeds[t.name], [...t.shape]);
  const out = await session.run(inputs);
  await session.release();
  const result: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(out)) result[k] = v.data as Float32Array;
  return result;
}

export interface FdOptions {
  /** Finite-difference step (float64 reference). */
  h?: number;
  /** Input values within this distance of a kink are not compared (FD straddles the kink). */
  kinks?: readonly number[];
  /** Only check this many elements per input (spread evenly), for larger tests. */
  maxElements?: number;
}

export interface FdMismatch {
  input: string;
  index: number;
  analytic: number;
  numeric: number;
}

/**
 * Central differences of the scalar `loss` w.r.t. each input in `wrt`, in float64 through
 * the reference interpreter. Returns the numeric gradients (NaN where skipped at a kink).
 */
export function numericGradients(
  graph: Graph,
  loss: Tensor,
  feeds: Record<string, Float32Array>,
  wrt: readonly Tensor[],
  o: FdOptions = {},
): Float64Array[] {
  const h = o.h ?? 1e-4;
  const base: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(feeds)) base[k] = Float64Array.from(v);
  const f = (): number => evaluate(graph, base, [loss])[0].data[0];
  return wrt.map((x) => {
    const data = base[x.name];
    const out = new Float64Array(data.length).fill(NaN);
    const step = o.maxElements ? Math.max(1, Math.floor(data.length / o.maxElements)) : 1;
    for (let i = 0; i < data.length; i += step) {
      const v = data[i];
      if (o.kinks?.some((k) => Math.abs(v - k) < 10 * h)) continue;
      data[i] = v + h;
      const plus = f();
      data[i] = v - h;
      const minus = f();
      data[i] = v;
      out[i] = (plus - minus) / (2 * h);
    }
    return out;
  });
}

/** Elements where |analytic - numeric| > atol + rtol * max|numeric| (per input). */
export function compareGradients(
  names: readonly string[],
  analytic: readonly Float32Array[],
  numeric: readonly Float64Array[],
  rtol: number,
  atol: number,
): FdMismatch[] {
  const bad: FdMismatch[] = [];
  numeric.forEach((num, k) => {
    let scale = 0;
    for (const v of num) if (!Number.isNaN(v)) scale = Math.max(scale, Math.abs(v));
    num.forEach((v, i) => {
      if (Number.isNaN(v)) return;
      if (Math.abs(analytic[k][i] - v) > atol + rtol * scale) bad.push({ input: names[k], index: i, analytic: analytic[k][i], numeric: v });
    });
  });
  return bad;
}

export const shapeSize = (s: Shape): number => s.reduce((a, b) => a * b, 1);
