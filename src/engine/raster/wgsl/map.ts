// Pass 1 of the WebGPU rasterizer: every stroke flattened and mapped into every view.
import { params, read, write, type KernelSpec } from './common.ts';

/** Flattens and maps every stroke in every view; writes vertices (qx, qy, scale, w) and the stroke's reach box. */
export const MAP: KernelSpec = {
  name: 'map',
  bindings: [
    params,
    read('points', 'array<f32>'),
    read('maps', 'array<f32>'),
    write('verts', 'array<vec4f>'),
    write('boxes', 'array<vec4f>'),
  ],
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
