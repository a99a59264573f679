// Axis-aligned bounding boxes, used to bin strokes and segments into pixel tiles.

export interface BBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export const EMPTY_BBOX: Readonly<BBox> = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };

/** Bounding box of points (xs[i], ys[i]) for i in [start, end). */
export function bboxOf(xs: ArrayLike<number>, ys: ArrayLike<number>, start = 0, end = xs.length): BBox {
  const box = { ...EMPTY_BBOX };
  for (let i = start; i < end; i++) {
    if (xs[i] < box.minX) box.minX = xs[i];
    if (xs[i] > box.maxX) box.maxX = xs[i];
    if (ys[i] < box.minY) box.minY = ys[i];
    if (ys[i] > box.maxY) box.maxY = ys[i];
  }
  return box;
}

/** Bounding box of the control points of stroke `stroke` (a cubic lies inside their hull). */
export function strokeControlBBox(points: ArrayLike<number>, stroke: number): BBox {
  const box = { ...EMPTY_BBOX };
  for (let j = 0; j < 4; j++) {
    const x = points[stroke * 8 + 2 * j],
      y = points[stroke * 8 + 2 * j + 1];
    box.minX = Math.min(box.minX, x);
    box.maxX = Math.max(box.maxX, x);
    box.minY = Math.min(box.minY, y);
    box.maxY = Math.max(box.maxY, y);
  }
  return box;
}

export function expandBBox(box: BBox, margin: number): BBox {
  return { minX: box.minX - margin, minY: box.minY - margin, maxX: box.maxX + margin, maxY: box.maxY + margin };
}

/** True when the boxes share at least one point (an empty box intersects nothing). */
export function bboxIntersects(a: BBox, b: BBox): boolean {
  return a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY;
}
