// 2D affine maps as six numbers [a, b, c, d, e, f]: x' = a x + b y + c, y' = d x + e y + f.
// The same layout as Figma's Transform [[a, b, c], [d, e, f]] read row by row.

export type Affine = readonly [number, number, number, number, number, number];
export interface Point {
  x: number;
  y: number;
}

export const IDENTITY: Affine = [1, 0, 0, 0, 1, 0];

export function apply(m: Affine, x: number, y: number): Point {
  return { x: m[0] * x + m[1] * y + m[2], y: m[3] * x + m[4] * y + m[5] };
}

/** a ∘ b: apply b first, then a. */
export function compose(a: Affine, b: Affine): Affine {
  return [
    a[0] * b[0] + a[1] * b[3],
    a[0] * b[1] + a[1] * b[4],
    a[0] * b[2] + a[1] * b[5] + a[2],
    a[3] * b[0] + a[4] * b[3],
    a[3] * b[1] + a[4] * b[4],
    a[3] * b[2] + a[4] * b[5] + a[5],
  ];
}

export function invert(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3];
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error(`affine map is not invertible (det ${det})`);
  const [a, b, c, d, e, f] = m;
  return [e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det];
}

export function translate(tx: number, ty: number): Affine {
  return [1, 0, tx, 0, 1, ty];
}

export function scale(sx: number, sy: number): Affine {
  return [sx, 0, 0, 0, sy, 0];
}

/** Figma's [[a, b, c], [d, e, f]] as an Affine. */
export function fromRows(t: readonly (readonly number[])[]): Affine {
  return [t[0][0], t[0][1], t[0][2], t[1][0], t[1][1], t[1][2]];
}

export function toRows(m: Affine): [[number, number, number], [number, number, number]] {
  return [
    [m[0], m[1], m[2]],
    [m[3], m[4], m[5]],
  ];
}
