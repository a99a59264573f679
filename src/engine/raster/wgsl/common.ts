// What every pass of the WebGPU rasterizer shares: the uniform and its packing, the bindings,
// the WGSL preamble and the closest-segment search. Bindings and the Params struct are generated
// from these specs, which webgpu.ts also uses to build bind group layouts and pack the uniform,
// so nothing is copied by hand between TS and WGSL. SEGMENTS and TILE are override constants.
import { MIN_W } from '../scene.ts';

/** Uniform fields, in order; every field is 4 bytes. */
export const PARAM_FIELDS = [
  ['strokes', 'u32'],
  ['views', 'u32'],
  ['size', 'u32'],
  ['tiles_per_side', 'u32'],
  ['width', 'f32'],
  ['falloff', 'f32'],
] as const;
export type ParamName = (typeof PARAM_FIELDS)[number][0];
/** Uniform size in bytes (multiple of 16). */
export const PARAMS_BYTES = Math.ceil((PARAM_FIELDS.length * 4) / 16) * 16;

export type BufferName =
  'params' | 'points' | 'maps' | 'verts' | 'boxes' | 'counts' | 'lists' | 'image' | 'grad_image' | 'partial' | 'chunk_sums' | 'grad_points';

export interface Binding {
  name: BufferName;
  access: 'uniform' | 'read' | 'read_write';
  type: string;
}

export interface KernelSpec {
  name: string;
  bindings: Binding[];
  body: string;
}

export const params: Binding = { name: 'params', access: 'uniform', type: 'Params' };
export const read = (name: BufferName, type: string): Binding => ({ name, access: 'read', type });
export const write = (name: BufferName, type: string): Binding => ({ name, access: 'read_write', type });

const PREAMBLE = /* wgsl */ `
struct Params { ${PARAM_FIELDS.map(([n, t]) => `${n}: ${t}`).join(', ')} }
override SEGMENTS: u32 = 16u;
override TILE: u32 = 8u;
const MIN_W: f32 = ${MIN_W.toExponential()};
const BIG: f32 = 3.0e38;

fn tiles() -> u32 { return params.tiles_per_side * params.tiles_per_side; }
fn vert_index(view: u32, stroke: u32, k: u32) -> u32 { return (view * params.strokes + stroke) * (SEGMENTS + 1u) + k; }
fn bern(t: f32) -> vec4f { let s = 1.0 - t; return vec4f(s * s * s, 3.0 * t * s * s, 3.0 * t * t * s, t * t * t); }

// Pixel-centre rectangle (min x, min y, max x, max y) of a tile.
fn tile_rect(tile: u32) -> vec4f {
  let x0 = (tile % params.tiles_per_side) * TILE;
  let y0 = (tile / params.tiles_per_side) * TILE;
  let x1 = min(params.size, x0 + TILE) - 1u;
  let y1 = min(params.size, y0 + TILE) - 1u;
  return vec4f(f32(x0), f32(y0), f32(x1), f32(y1)) + 0.5;
}
fn touches(box: vec4f, rect: vec4f) -> bool {
  return box.x <= rect.z && box.z >= rect.x && box.y <= rect.w && box.w >= rect.y;
}
`;

export const CLOSEST = /* wgsl */ `
struct Closest { u: f32, k: u32, t: f32, c: vec2f, d: f32 }

// Closest segment of a stroke to p by u = distance - half-width; u = BIG beyond the falloff.
fn closest(view: u32, stroke: u32, p: vec2f) -> Closest {
  var best = Closest(BIG, 0u, 0.0, vec2f(0.0), 0.0);
  let base = vert_index(view, stroke, 0u);
  var a = verts[base];
  for (var k = 0u; k < SEGMENTS; k++) {
    let b = verts[base + k + 1u];
    let e = b.xy - a.xy;
    let dp = p - a.xy;
    let len2 = dot(e, e);
    var t = 0.0;
    if (len2 > 0.0) { t = clamp(dot(dp, e) / len2, 0.0, 1.0); }
    let c = dp - t * e;
    let d2 = dot(c, c);
    let r = 0.25 * params.width * (a.z + b.z);
    let reach = r + params.falloff;
    if (d2 < reach * reach) {
      let d = sqrt(d2);
      if (d - r < best.u) { best = Closest(d - r, k, t, c, d); }
    }
    a = b;
  }
  return best;
}
`;

/** Full WGSL source of a kernel: generated bindings, shared preamble, body. */
export function kernelSource(spec: KernelSpec): string {
  const decls = spec.bindings.map((b, i) => {
    const space = b.access === 'uniform' ? 'uniform' : `storage, ${b.access}`;
    return `@group(0) @binding(${i}) var<${space}> ${b.name}: ${b.type};`;
  });
  return `${decls.join('\n')}\n${PREAMBLE}\n${spec.body}`;
}

/** Packs the uniform in PARAM_FIELDS order. */
export function packParams(values: Record<ParamName, number>): ArrayBuffer {
  const buffer = new ArrayBuffer(PARAMS_BYTES);
  const u32 = new Uint32Array(buffer);
  const f32 = new Float32Array(buffer);
  PARAM_FIELDS.forEach(([name, type], i) => {
    if (type === 'u32') u32[i] = values[name];
    else f32[i] = values[name];
  });
  return buffer;
}
