// Off-canvas drift guard (DESIGN.md §10), shared by the CPU loop and the Adam kernel.

/** Keeps points within this fraction of the canvas outside its edges. */
export const CLAMP_MARGIN = 0.02;

export function clampPoints(points: Float32Array, size: number): void {
  const lo = -CLAMP_MARGIN * size, hi = size * (1 + CLAMP_MARGIN);
  for (let i = 0; i < points.length; i++) points[i] = points[i] < lo ? lo : points[i] > hi ? hi : points[i];
}
