// Cubic Bezier evaluation and uniform flattening. The rasterizer flattens every stroke into
// a fixed number of segments at fixed parameters t_k = k/S, so each polyline vertex is a
// fixed linear combination of the four control points (weights in a basis table) and the
// gradient flows back through the same table: dL/dP_j = sum_k basis[k][j] * dL/dp_k.

/** Default segments per stroke. A cubic flattened uniformly into S segments deviates from
 * the curve by at most max|B''| / (8 S^2); CLIPasso-sized strokes (control points tens of
 * pixels apart at 224) have max|B''| = 6 max|P_i - 2P_{i+1} + P_{i+2}| ~ 100-400 px, i.e. a
 * deviation of 0.05-0.2 px at S = 16, well below the 3 px stroke width. */
export const DEFAULT_SEGMENTS = 16;

/** The four Bernstein weights of a cubic at t, written into out[offset .. offset+3]. */
export function cubicWeights(t: number, out: Float64Array | number[], offset = 0): void {
  const s = 1 - t;
  out[offset] = s * s * s;
  out[offset + 1] = 3 * t * s * s;
  out[offset + 2] = 3 * t * t * s;
  out[offset + 3] = t * t * t;
}

/** Point at parameter t of stroke `stroke` in a packed N x 4 x (x, y) array. */
export function evalCubic(points: ArrayLike<number>, stroke: number, t: number): [number, number] {
  const w = [0, 0, 0, 0];
  cubicWeights(t, w);
  const o = stroke * 8;
  let x = 0;
  let y = 0;
  for (let j = 0; j < 4; j++) {
    x += w[j] * points[o + 2 * j];
    y += w[j] * points[o + 2 * j + 1];
  }
  return [x, y];
}

/** (S+1) x 4 weights: vertex k of a flattened stroke = sum_j table[4k+j] * P_j, t_k = k/S. */
export function flatteningTable(segments: number): Float64Array {
  if (!Number.isInteger(segments) || segments < 1) {
    throw new Error(`segments must be a positive integer, got ${segments}`);
  }
  const table = new Float64Array((segments + 1) * 4);
  for (let k = 0; k <= segments; k++) cubicWeights(k / segments, table, 4 * k);
  return table;
}

/** Writes the S+1 polyline vertices of one stroke into outX/outY starting at `offset`. */
export function flattenStroke(
  points: ArrayLike<number>,
  stroke: number,
  table: Float64Array,
  outX: Float64Array,
  outY: Float64Array,
  offset: number,
): void {
  const o = stroke * 8;
  const x0 = points[o],
    y0 = points[o + 1],
    x1 = points[o + 2],
    y1 = points[o + 3];
  const x2 = points[o + 4],
    y2 = points[o + 5],
    x3 = points[o + 6],
    y3 = points[o + 7];
  const vertices = table.length / 4;
  for (let k = 0; k < vertices; k++) {
    const a = table[4 * k],
      b = table[4 * k + 1],
      c = table[4 * k + 2],
      d = table[4 * k + 3];
    outX[offset + k] = a * x0 + b * x1 + c * x2 + d * x3;
    outY[offset + k] = a * y0 + b * y1 + c * y2 + d * y3;
  }
}

/** Adjoint of flattenStroke: adds sum_k table[4k+j] * (gx_k, gy_k) to the stroke's 8 gradients. */
export function accumulateFlattenGradient(
  gradX: Float64Array,
  gradY: Float64Array,
  offset: number,
  table: Float64Array,
  out: Float32Array | Float64Array,
  stroke: number,
): void {
  const vertices = table.length / 4;
  const o = stroke * 8;
  for (let k = 0; k < vertices; k++) {
    const gx = gradX[offset + k],
      gy = gradY[offset + k];
    if (gx === 0 && gy === 0) continue;
    for (let j = 0; j < 4; j++) {
      out[o + 2 * j] += table[4 * k + j] * gx;
      out[o + 2 * j + 1] += table[4 * k + j] * gy;
    }
  }
}
