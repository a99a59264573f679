// Pass 3 (forward): each pixel's coverage by the tile's strokes.
import { CLOSEST, params, read, write, type KernelSpec } from './common.ts';

/** One invocation per pixel, one workgroup per tile: product over the tile's strokes of (1 - coverage). */
export const FORWARD: KernelSpec = {
  name: 'forward',
  bindings: [
    params,
    read('verts', 'array<vec4f>'),
    read('counts', 'array<u32>'),
    read('lists', 'array<u32>'),
    write('image', 'array<f32>'),
  ],
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
