// WGSL for the WebGPU rasterizer, as strings (imports work unchanged in vitest, tsx and
// esbuild). Bindings and the Params struct are generated from the specs below, which
// webgpu.ts also uses to build bind group layouts and pack the uniform, so nothing is
// copied by hand between TS and WGSL. SEGMENTS and TILE are override constants.
import { MIN_W } from './scene.ts';

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
  | 'params' | 'points' | 'maps' | 'verts' | 'boxes' | 'counts' | 'lists' | 'image' | 'grad_image' | 'partial' | 'chunk_sums' | 'grad_points';

interface Binding {
  name: BufferName;
  access: 'uniform' | 'read' | 'read_write';
  type: string;
}

export interface KernelSpec {
  name: string;
  bindings: Binding[];
  body: string;
}

const params: Binding = { name: 'params', access: 'uniform', type: 'Params' };
const read = (name: BufferName, type: string): Binding => ({ name, access: 'read', type });
const write = (name: BufferName, type: string): Binding => ({ name, access: 'read_write', type });

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

const CLOSEST = /* wgsl */ `
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

/** Flattens and maps every stroke in every view; writes vertices (qx, qy, scale, w) and the stroke's reach box. */
const MAP: KernelSpec = {
  name: 'map',
  bindings: [params, read('points', 'array<f32>'), read('maps', 'array<f32>'), write('verts', 'array<vec4f>'), write('boxes', 'array<vec4f>')],
  body: /* wgsl */ `
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let stroke = id.x;
  let view = id.y;
  if (stroke >= params.strokes) { return; }
  let m = 9u * view;
  let h0 = maps[m]; let h1 = maps[m + 1u]; let h2 = maps[m + 2u];
  let h3 = maps[m + 3u]; let h4 = maps[m + 4u]; let h5 = maps[m + 5u];
  let h6 = maps[m + 6u]; let h7 = maps[m + 7u]; let h8 = maps[m + 8u];
  let sqrt_det = sqrt(abs(h0 * (h4 * h8 - h5 * h7) - h1 * (h3 * h8 - h5 * h6) + h2 * (h3 * h7 - h4 * h6)));
  let o = 8u * stroke;
  let cx = vec4f(points[o], points[o + 2u], points[o + 4u], points[o + 6u]);
  let cy = vec4f(points[o + 1u], points[o + 3u], points[o + 5u], points[o + 7u]);
  var visible = true;
  var lo = vec2f(BIG);
  var hi = vec2f(-BIG);
  var prev = vec4f(0.0);
  for (var k = 0u; k <= SEGMENTS; k++) {
    let b = bern(f32(k) / f32(SEGMENTS));
    let px = dot(b, cx);
    let py = dot(b, cy);
    let w = h6 * px + h7 * py + h8;
    var v = vec4f(0.0, 0.0, 0.0, w);
    if (w > MIN_W) {
      v = vec4f((h0 * px + h1 * py + h2) / w, (h3 * px + h4 * py + h5) / w, sqrt_det / (w * sqrt(w)), w);
    } else {
      visible = false;
    }
    verts[vert_index(view, stroke, k)] = v;
    if (k > 0u) {
      let reach = 0.25 * params.width * (prev.z + v.z) + params.falloff;
      lo = min(lo, min(prev.xy, v.xy) - reach);
      hi = max(hi, max(prev.xy, v.xy) + reach);
    }
    prev = v;
  }
  // An invisible stroke gets an empty box, so it is binned nowhere and gets no gradient.
  boxes[view * params.strokes + stroke] = select(vec4f(BIG, BIG, -BIG, -BIG), vec4f(lo, hi), visible);
}
`,
};

/** Per (tile, view): the list of strokes whose reach box touches the tile. */
const BIN: KernelSpec = {
  name: 'bin',
  bindings: [params, read('boxes', 'array<vec4f>'), write('counts', 'array<u32>'), write('lists', 'array<u32>')],
  body: /* wgsl */ `
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let tile = id.x;
  let view = id.y;
  if (tile >= tiles()) { return; }
  let rect = tile_rect(tile);
  let slot = view * tiles() + tile;
  var n = 0u;
  for (var s = 0u; s < params.strokes; s++) {
    if (touches(boxes[view * params.strokes + s], rect)) {
      lists[slot * params.strokes + n] = s;
      n++;
    }
  }
  counts[slot] = n;
}
`,
};

/** One invocation per pixel, one workgroup per tile: product over the tile's strokes of (1 - coverage). */
const FORWARD: KernelSpec = {
  name: 'forward',
  bindings: [params, read('verts', 'array<vec4f>'), read('counts', 'array<u32>'), read('lists', 'array<u32>'), write('image', 'array<f32>')],
  body: /* wgsl */ `
${CLOSEST}
@compute @workgroup_size(TILE, TILE)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(workgroup_id) wg: vec3u) {
  let view = id.z;
  if (id.x >= params.size || id.y >= params.size) { return; }
  let slot = view * tiles() + wg.y * params.tiles_per_side + wg.x;
  let p = vec2f(f32(id.x) + 0.5, f32(id.y) + 0.5);
  let f = params.falloff;
  var value = 1.0;
  let n = counts[slot];
  for (var i = 0u; i < n; i++) {
    let c = closest(view, lists[slot * params.strokes + i], p);
    if (c.u >= f) { continue; }
    if (c.u <= -f) { value = 0.0; break; }
    let s = (c.u + f) / (2.0 * f);
    value *= s * s * (3.0 - 2.0 * s);
  }
  image[(view * params.size + id.y) * params.size + id.x] = value;
}
`,
};

/** One invocation per (stroke, tile, view): that stroke's dLoss/dPoints from the tile's pixels (no atomics). */
const BACKWARD: KernelSpec = {
  name: 'backward',
  bindings: [
    params, read('maps', 'array<f32>'), read('verts', 'array<vec4f>'), read('boxes', 'array<vec4f>'),
    read('image', 'array<f32>'), read('grad_image', 'array<f32>'), write('partial', 'array<f32>'),
  ],
  body: /* wgsl */ `
${CLOSEST}
// Canvas-vertex gradient from a mapped-vertex gradient gq and a half-width-scale gradient gs,
// through q = H(p) (Jacobian / w) and scale = sqrt|det H| w^-1.5.
fn chain(view: u32, v: vec4f, gq: vec2f, gs: f32) -> vec2f {
  let m = 9u * view;
  let h6 = maps[m + 6u];
  let h7 = maps[m + 7u];
  let dsdw = -1.5 * v.z / v.w;
  return vec2f(
    (gq.x * (maps[m] - v.x * h6) + gq.y * (maps[m + 3u] - v.y * h6)) / v.w + gs * dsdw * h6,
    (gq.x * (maps[m + 1u] - v.x * h7) + gq.y * (maps[m + 4u] - v.y * h7)) / v.w + gs * dsdw * h7);
}

// Linear invocation index over (stroke, tile, view), stroke fastest, so no lane idles when
// N < 64; 2D dispatch because the count can exceed 65535 workgroups.
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let index = id.y * groups.x * 64u + id.x;
  if (index >= params.strokes * tiles() * params.views) { return; }
  let stroke = index % params.strokes;
  let tile = (index / params.strokes) % tiles();
  let view = index / (params.strokes * tiles());
  let f = params.falloff;
  var gx = vec4f(0.0);
  var gy = vec4f(0.0);
  let box = boxes[view * params.strokes + stroke];
  let rect = tile_rect(tile);
  if (touches(box, rect)) {
    for (var py = rect.y; py <= rect.w; py += 1.0) {
      for (var px = rect.x; px <= rect.z; px += 1.0) {
        if (px < box.x || px > box.z || py < box.y || py > box.w) { continue; }
        let pixel = (view * params.size + u32(py)) * params.size + u32(px);
        let g = grad_image[pixel];
        if (g == 0.0) { continue; }
        let c = closest(view, stroke, vec2f(px, py));
        if (c.u >= f || c.u <= -f) { continue; }
        let s = (c.u + f) / (2.0 * f);
        // image / (1 - c) = product of the other strokes' factors.
        let dldu = g * image[pixel] / (s * s * (3.0 - 2.0 * s)) * 6.0 * s * (1.0 - s) / (2.0 * f);
        let gs = -dldu * 0.25 * params.width; // u = d - r, r = width/4 (scale_k + scale_k+1)
        var n = vec2f(0.0);
        if (c.d > 0.0) { n = dldu * c.c / c.d; }
        let base = vert_index(view, stroke, c.k);
        let ga = chain(view, verts[base], -(1.0 - c.t) * n, gs);
        let gb = chain(view, verts[base + 1u], -c.t * n, gs);
        let ba = bern(f32(c.k) / f32(SEGMENTS));
        let bb = bern(f32(c.k + 1u) / f32(SEGMENTS));
        gx += ba * ga.x + bb * gb.x;
        gy += ba * ga.y + bb * gb.y;
      }
    }
  }
  let out = ((view * tiles() + tile) * params.strokes + stroke) * 8u;
  for (var j = 0u; j < 4u; j++) {
    partial[out + 2u * j] = gx[j];
    partial[out + 2u * j + 1u] = gy[j];
  }
}
`,
};

// The views*tiles partial sums per coordinate are added in two barrier-free passes of about
// sqrt(views*tiles) terms each (fixed order: deterministic), so no thread runs a long serial
// loop and nothing needs float atomics or workgroup barriers (slow on SwiftShader).
const CHUNKS = /* wgsl */ `
fn slots() -> u32 { return params.views * tiles(); }
fn chunk_len() -> u32 { return u32(ceil(sqrt(f32(slots())))); }
fn chunk_count() -> u32 { return (slots() + chunk_len() - 1u) / chunk_len(); }
`;

/** partial_sums[c][i] = sum of partial[slot][i] over the slots of chunk c. */
const REDUCE_CHUNKS: KernelSpec = {
  name: 'reduce_chunks',
  bindings: [params, read('partial', 'array<f32>'), write('chunk_sums', 'array<f32>')],
  body: /* wgsl */ `
${CHUNKS}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let per_slot = params.strokes * 8u;
  let i = id.x;
  let c = id.y;
  if (i >= per_slot || c >= chunk_count()) { return; }
  let end = min(slots(), (c + 1u) * chunk_len());
  var sum = 0.0;
  for (var slot = c * chunk_len(); slot < end; slot++) { sum += partial[slot * per_slot + i]; }
  chunk_sums[c * per_slot + i] = sum;
}
`,
};

/** grad_points[i] = sum over chunks. */
const REDUCE: KernelSpec = {
  name: 'reduce',
  bindings: [params, read('chunk_sums', 'array<f32>'), write('grad_points', 'array<f32>')],
  body: /* wgsl */ `
${CHUNKS}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let per_slot = params.strokes * 8u;
  let i = id.x;
  if (i >= per_slot) { return; }
  var sum = 0.0;
  for (var c = 0u; c < chunk_count(); c++) { sum += chunk_sums[c * per_slot + i]; }
  grad_points[i] = sum;
}
`,
};

export const KERNELS = { map: MAP, bin: BIN, forward: FORWARD, backward: BACKWARD, reduce_chunks: REDUCE_CHUNKS, reduce: REDUCE };
export type KernelName = keyof typeof KERNELS;

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
