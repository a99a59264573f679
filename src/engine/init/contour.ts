// Strokes started along the subject's silhouette: the outline of the subject map, traced as one
// closed polyline and cut into equal arcs, one cubic Bezier per arc. Even 4 strokes then begin
// as the outline's gesture instead of four scattered squiggles.

/**
 * The outer boundary of the largest 8-connected blob of mask >= 0.5 (size x size), as pixel
 * centres in order (Moore-neighbour tracing); empty when the mask is empty.
 */
export function traceOutline(mask: Float32Array, size: number): Float64Array {
  const inside = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < size && y < size && mask[y * size + x] >= 0.5;
  // The blob whose outline is traced: the one holding the first pixel of the largest run of rows.
  const seen = new Uint8Array(size * size);
  let bestStart = -1,
    bestSize = 0;
  const stack: number[] = [];
  for (let i = 0; i < size * size; i++) {
    if (seen[i] || mask[i] < 0.5) continue;
    let count = 0;
    seen[i] = 1;
    stack.push(i);
    while (stack.length) {
      const j = stack.pop()!;
      count++;
      const x = j % size,
        y = (j - x) / size;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const k = (y + dy) * size + x + dx;
          if (inside(x + dx, y + dy) && !seen[k]) {
            seen[k] = 1;
            stack.push(k);
          }
        }
      }
    }
    if (count > bestSize) [bestStart, bestSize] = [i, count];
  }
  if (bestStart < 0) return new Float64Array(0);
  // Moore-neighbour tracing, clockwise, from the blob's first pixel in raster order.
  const dirs = [
    [1, 0],
    [1, 1],
    [0, 1],
    [-1, 1],
    [-1, 0],
    [-1, -1],
    [0, -1],
    [1, -1],
  ];
  const sx = bestStart % size,
    sy = (bestStart - sx) / size;
  const out: number[] = [sx + 0.5, sy + 0.5];
  let x = sx,
    y = sy,
    from = 4; // we entered the start pixel from its left (raster order)
  for (let steps = 0; steps < 4 * size * size; steps++) {
    let moved = false;
    for (let k = 1; k <= 8; k++) {
      const d = (from + k) % 8;
      const nx = x + dirs[d][0],
        ny = y + dirs[d][1];
      if (inside(nx, ny)) {
        x = nx;
        y = ny;
        from = (d + 4) % 8;
        moved = true;
        break;
      }
    }
    if (!moved || (x === sx && y === sy)) break;
    out.push(x + 0.5, y + 0.5);
  }
  return Float64Array.from(out);
}

/**
 * n strokes (N*8 control points) along a closed polyline, each over an equal share of its
 * length, the first starting `phase` (0-1) of the way round.
 */
export function strokesAlong(outline: Float64Array, n: number, phase = 0): Float32Array {
  const m = outline.length / 2;
  const cumulative = new Float64Array(m + 1);
  for (let i = 0; i < m; i++) {
    const j = (i + 1) % m;
    cumulative[i + 1] = cumulative[i] + Math.hypot(outline[2 * j] - outline[2 * i], outline[2 * j + 1] - outline[2 * i + 1]);
  }
  const total = cumulative[m];
  const at = (distance: number): [number, number] => {
    const d = ((distance % total) + total) % total;
    let lo = 0,
      hi = m;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] <= d) lo = mid;
      else hi = mid;
    }
    const j = (lo + 1) % m,
      f = (d - cumulative[lo]) / Math.max(1e-9, cumulative[lo + 1] - cumulative[lo]);
    return [outline[2 * lo] + f * (outline[2 * j] - outline[2 * lo]), outline[2 * lo + 1] + f * (outline[2 * j + 1] - outline[2 * lo + 1])];
  };
  const points = new Float32Array(8 * n);
  for (let s = 0; s < n; s++) {
    const a = ((s + phase) * total) / n,
      b = ((s + 1 + phase) * total) / n;
    // Control points through the arc at 1/3 and 2/3: a Bezier close to the arc, not its chord.
    const p = [at(a), at(a + (b - a) / 3), at(a + (2 * (b - a)) / 3), at(b)];
    const c1 = [
      (-5 * p[0][0] + 18 * p[1][0] - 9 * p[2][0] + 2 * p[3][0]) / 6,
      (-5 * p[0][1] + 18 * p[1][1] - 9 * p[2][1] + 2 * p[3][1]) / 6,
    ];
    const c2 = [(2 * p[0][0] - 9 * p[1][0] + 18 * p[2][0] - 5 * p[3][0]) / 6, (2 * p[0][1] - 9 * p[1][1] + 18 * p[2][1] - 5 * p[3][1]) / 6];
    points.set([p[0][0], p[0][1], c1[0], c1[1], c2[0], c2[1], p[3][0], p[3][1]], 8 * s);
  }
  return points;
}

/** How many of n strokes start on the outline: all of a few, a quarter of many (the rest draw detail). */
export function outlineStrokeCount(n: number): number {
  return n <= 4 ? n : Math.max(4, Math.round(n / 4));
}
