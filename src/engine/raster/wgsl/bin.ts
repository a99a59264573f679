// Pass 2: per tile and view, the strokes that may touch it.
import { params, read, write, type KernelSpec } from './common.ts';

/** Per (tile, view): the list of strokes whose reach box touches the tile. */
export const BIN: KernelSpec = {
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
