// Passes 5 and 6: the backward pass's partial sums added up, in a fixed order.
import { params, read, write, type KernelSpec } from './common.ts';

// The views*tiles partial sums per coordinate are added in two barrier-free passes of about
// sqrt(views*tiles) terms each (fixed order: deterministic), so no thread runs a long serial
// loop and nothing needs float atomics or workgroup barriers (slow on SwiftShader).
const CHUNKS = /* wgsl */ `
fn slots() -> u32 { return params.views * tiles(); }
fn chunk_len() -> u32 { return u32(ceil(sqrt(f32(slots())))); }
fn chunk_count() -> u32 { return (slots() + chunk_len() - 1u) / chunk_len(); }
`;

/** partial_sums[c][i] = sum of partial[slot][i] over the slots of chunk c. */
export const REDUCE_CHUNKS: KernelSpec = {
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
export const REDUCE: KernelSpec = {
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
