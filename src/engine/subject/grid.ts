// Small operations on w x h float maps (row-major) that the subject estimate needs.

/** Box blur of radius r (separable, edges clamped); three passes approximate a Gaussian. */
export function boxBlur(src: Float32Array, w: number, h: number, r: number, passes = 1): Float32Array {
  let cur = src;
  const tmp = new Float32Array(w * h);
  for (let p = 0; p < passes; p++) {
    const out = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      let acc = 0;
      for (let x = -r; x <= r; x++) acc += cur[y * w + Math.min(w - 1, Math.max(0, x))];
      for (let x = 0; x < w; x++) {
        tmp[y * w + x] = acc / (2 * r + 1);
        acc += cur[y * w + Math.min(w - 1, x + r + 1)] - cur[y * w + Math.max(0, x - r)];
      }
    }
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let y = -r; y <= r; y++) acc += tmp[Math.min(h - 1, Math.max(0, y)) * w + x];
      for (let y = 0; y < h; y++) {
        out[y * w + x] = acc / (2 * r + 1);
        acc += tmp[Math.min(h - 1, y + r + 1) * w + x] - tmp[Math.max(0, y - r) * w + x];
      }
    }
    cur = out;
  }
  return cur;
}

/** Labels 4-connected components of mask > 0; returns labels (0 = none) and their sizes (index = label). */
export function components(mask: Uint8Array, w: number, h: number): { labels: Int32Array; sizes: number[] } {
  const labels = new Int32Array(w * h);
  const sizes = [0];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    const label = sizes.length;
    let size = 0;
    labels[start] = label;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      size++;
      const x = i % w,
        y = (i - x) / w;
      const visit = (j: number): void => {
        if (mask[j] && !labels[j]) {
          labels[j] = label;
          stack.push(j);
        }
      };
      if (x > 0) visit(i - 1);
      if (x < w - 1) visit(i + 1);
      if (y > 0) visit(i - w);
      if (y < h - 1) visit(i + w);
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

/** Fills the holes of a binary mask: background pixels that do not reach the border. */
export function fillHoles(mask: Uint8Array, w: number, h: number): Uint8Array {
  const inverse = mask.map((v) => (v ? 0 : 1));
  const { labels } = components(inverse, w, h);
  const outside = new Set<number>();
  for (let x = 0; x < w; x++) outside.add(labels[x]).add(labels[(h - 1) * w + x]);
  for (let y = 0; y < h; y++) outside.add(labels[y * w]).add(labels[y * w + w - 1]);
  return mask.map((v, i) => (v || !outside.has(labels[i]) ? 1 : 0));
}

/**
 * Chamfer distance (px; axial step 1, diagonal step `diagonal`) from every pixel to the nearest
 * pixel set in `seeds`, in two raster passes; Infinity everywhere when none is set.
 */
export function chamferDistance(seeds: Uint8Array, w: number, h: number, diagonal = Math.SQRT2): Float32Array {
  const d = Float32Array.from(seeds, (v) => (v ? 0 : Infinity));
  const relax = (i: number, j: number, cost: number): void => {
    if (d[j] + cost < d[i]) d[i] = d[j] + cost;
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (x > 0) relax(i, i - 1, 1);
      if (y > 0) {
        relax(i, i - w, 1);
        if (x > 0) relax(i, i - w - 1, diagonal);
        if (x < w - 1) relax(i, i - w + 1, diagonal);
      }
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      if (x < w - 1) relax(i, i + 1, 1);
      if (y < h - 1) {
        relax(i, i + w, 1);
        if (x < w - 1) relax(i, i + w + 1, diagonal);
        if (x > 0) relax(i, i + w - 1, diagonal);
      }
    }
  }
  return d;
}
