// Projective (homography) maps of the plane: 3x3 row-major, q = (H [x y 1]^T) / w.
// Views apply such a map to the flattened stroke geometry; the stroke width is scaled by
// the map's local scale so a view matches a pixel warp of the sketch.

export type Mat3 = ArrayLike<number>;

/** Mapped point and its homogeneous w (the caller decides what w <= 0 means). */
export function applyProjective(h: Mat3, x: number, y: number): { x: number; y: number; w: number } {
  const w = h[6] * x + h[7] * y + h[8];
  return { x: (h[0] * x + h[1] * y + h[2]) / w, y: (h[3] * x + h[4] * y + h[5]) / w, w };
}

/** det of the 3x3 matrix. */
export function det3(h: Mat3): number {
  return h[0] * (h[4] * h[8] - h[5] * h[7]) - h[1] * (h[3] * h[8] - h[5] * h[6]) + h[2] * (h[3] * h[7] - h[4] * h[6]);
}

/** Local scale sqrt(|det J|) of the map at (x, y). For a homography det J = det H / w^3. */
export function localScale(h: Mat3, x: number, y: number): number {
  const w = h[6] * x + h[7] * y + h[8];
  return Math.sqrt(Math.abs(det3(h))) / Math.pow(Math.abs(w), 1.5);
}

/** Jacobian dq/dp at (x, y), row-major 2x2 [dqx/dx, dqx/dy, dqy/dx, dqy/dy]. */
export function projectiveJacobian(h: Mat3, x: number, y: number): [number, number, number, number] {
  const { x: qx, y: qy, w } = applyProjective(h, x, y);
  return [(h[0] - qx * h[6]) / w, (h[1] - qx * h[7]) / w, (h[3] - qy * h[6]) / w, (h[4] - qy * h[7]) / w];
}

/** Product a * b of 3x3 row-major matrices (apply b first, then a). */
export function multiplyMat3(a: Mat3, b: Mat3): number[] {
  const out = new Array<number>(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[3 * r + c] = a[3 * r] * b[c] + a[3 * r + 1] * b[3 + c] + a[3 * r + 2] * b[6 + c];
  }
  return out;
}

/** The homography mapping the unit square corners (0,0),(1,0),(1,1),(0,1) to four points, scaled by `size`:
 * maps the square [0,size]^2 onto the quad `to` (8 numbers, x y per corner in that order). */
export function squareToQuad(size: number, to: ArrayLike<number>): number[] {
  const [x0, y0, x1, y1, x2, y2, x3, y3] = Array.from(to);
  // Heckbert's closed form for unit square -> quad, then pre-scale by 1/size.
  const dx1 = x1 - x2,
    dx2 = x3 - x2,
    dy1 = y1 - y2,
    dy2 = y3 - y2;
  const sx = x0 - x1 + x2 - x3,
    sy = y0 - y1 + y2 - y3;
  let g = 0,
    hh = 0;
  if (sx !== 0 || sy !== 0) {
    const den = dx1 * dy2 - dx2 * dy1;
    g = (sx * dy2 - dx2 * sy) / den;
    hh = (dx1 * sy - sx * dy1) / den;
  }
  const unit = [x1 - x0 + g * x1, x3 - x0 + hh * x3, x0, y1 - y0 + g * y1, y3 - y0 + hh * y3, y0, g, hh, 1];
  return multiplyMat3(unit, [1 / size, 0, 0, 0, 1 / size, 0, 0, 0, 1]);
}
