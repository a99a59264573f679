// Pass 4 (backward): each stroke's gradient from the pixels of a tile.
import { CLOSEST, params, read, write, type KernelSpec } from './common.ts';

/** One invocation per (stroke, tile, view): that stroke's dLoss/dPoints from the tile's pixels (no atomics). */
export const BACKWARD: KernelSpec = {
  name: 'backward',
  bindings: [
    params,
    read('maps', 'array<f32>'),
    read('verts', 'array<vec4f>'),
    read('boxes', 'array<vec4f>'),
    read('image', 'array<f32>'),
    read('grad_image', 'array<f32>'),
    write('partial', 'array<f32>'),
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
