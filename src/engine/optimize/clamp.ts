// Where control points may go (points drifted off the canvas in the prototype), shared by the CPU loop and the Adam kernel
// (optimize/adam-gpu.wgsl.ts applies the same box per coordinate).
import { PADDING_MARGIN } from '../init/sample.ts';
import { contentRect, type CanvasMap } from '../preprocess/preprocess.ts';

/** Keeps points within this fraction of the canvas outside its edges (off-canvas drift guard). */
export const CLAMP_MARGIN = 0.02;

/** Canvas px bounds per axis: x in [x0, x1], y in [y0, y1]. */
export interface ClampBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The whole canvas plus CLAMP_MARGIN on every side (square inputs, or no map known). */
export function canvasBox(size: number): ClampBox {
  const lo = -CLAMP_MARGIN * size,
    hi = size * (1 + CLAMP_MARGIN);
  return { x0: lo, y0: lo, x1: hi, y1: hi };
}

/**
 * The box for an input: along an axis padded with white (non-square input) the content minus
 * `margin` px on both sides, else the canvas box. Why: the photo/padding step is an edge to the
 * loss's features too, and strokes drawn to it trace the frame instead of the subject (rocket,
 * docs/evaluation.md). A Bezier segment lies in the hull of its control points, so the strokes'
 * centre lines stay inside the box. Content thinner than 2 * margin collapses to its centre line.
 */
export function contentBox(map: CanvasMap, margin = PADDING_MARGIN): ClampBox {
  const box = canvasBox(map.size);
  const r = contentRect(map);
  const axis = (lo: number, hi: number): [number, number] =>
    hi - lo >= 2 * margin ? [lo + margin, hi - margin] : [(lo + hi) / 2, (lo + hi) / 2];
  if (map.offsetX > 0) [box.x0, box.x1] = axis(r.x0, r.x1);
  if (map.offsetY > 0) [box.y0, box.y1] = axis(r.y0, r.y1);
  return box;
}

/** Clamps interleaved (x, y) canvas points into `box` in place, except those of strokes marked in `frozen` (one flag per stroke). */
export function clampPoints(points: Float32Array, box: ClampBox, frozen?: Uint8Array): void {
  for (let i = 0; i < points.length; i += 2) {
    if (frozen && frozen[i >> 3]) continue; // frozen strokes never move, even out of the box
    const x = points[i],
      y = points[i + 1];
    points[i] = x < box.x0 ? box.x0 : x > box.x1 ? box.x1 : x;
    if (i + 1 < points.length) points[i + 1] = y < box.y0 ? box.y0 : y > box.y1 ? box.y1 : y;
  }
}
