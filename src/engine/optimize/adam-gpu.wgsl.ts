// WGSL for the Adam step (same update as src/engine/optimize/adam-cpu.ts) followed by the engine's
// clamp of every point into its box (optimize/clamp.ts clampPoints: even indices are x, odd
// y). Points of frozen strokes are skipped (neither updated nor clamped), as on the CPU path. A non-finite gradient counts as 0, as there; tested on the exponent bits because WGSL
// lets compilers assume floats are finite. The bias corrections c1, c2 are computed in float64 on the CPU per step and passed in the uniform, so the only float32
// rounding is in the moments and the update itself.

/** Uniform fields, in order; every field is 4 bytes. */
export const ADAM_PARAM_FIELDS = [
  ['count', 'u32'],
  ['lr', 'f32'],
  ['beta1', 'f32'],
  ['beta2', 'f32'],
  ['eps', 'f32'],
  ['c1', 'f32'],
  ['c2', 'f32'],
  ['x0', 'f32'],
  ['y0', 'f32'],
  ['x1', 'f32'],
  ['y1', 'f32'],
] as const;
export type AdamParamName = (typeof ADAM_PARAM_FIELDS)[number][0];
export const ADAM_PARAMS_BYTES = Math.ceil((ADAM_PARAM_FIELDS.length * 4) / 16) * 16;
export const ADAM_WORKGROUP = 64;

export function packAdamParams(values: Record<AdamParamName, number>): ArrayBuffer {
  const buffer = new ArrayBuffer(ADAM_PARAMS_BYTES);
  const f32 = new Float32Array(buffer);
  const u32 = new Uint32Array(buffer);
  ADAM_PARAM_FIELDS.forEach(([name, type], i) => {
    if (type === 'u32') u32[i] = values[name];
    else f32[i] = values[name];
  });
  return buffer;
}

/** Bindings: 0 params (uniform), 1 points, 2 grad (read), 3 m, 4 v, 5 frozen (one u32 per stroke of 8 values: nonzero = never moves). */
export const ADAM_WGSL = /* wgsl */ `
struct Params { ${ADAM_PARAM_FIELDS.map(([n, t]) => `${n}: ${t}`).join(', ')} }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> points: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<storage, read> frozen: array<u32>;

@compute @workgroup_size(${ADAM_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i >= params.count || frozen[i / 8u] != 0u) { return; }
  let raw = grad[i];
  let g = select(0.0, raw, (bitcast<u32>(raw) & 0x7f800000u) != 0x7f800000u);
  let mi = params.beta1 * m[i] + (1.0 - params.beta1) * g;
  let vi = params.beta2 * v[i] + (1.0 - params.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let p = points[i] - params.lr * (mi / params.c1) / (sqrt(vi / params.c2) + params.eps);
  if ((i & 1u) == 0u) { points[i] = clamp(p, params.x0, params.x1); } else { points[i] = clamp(p, params.y0, params.y1); }
}
`;
