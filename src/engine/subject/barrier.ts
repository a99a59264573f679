// Classical salient-object cues on a w x h grid (no trained segmenter): how far each pixel is,
// in colour, from the image border. A background usually reaches the border through regions of
// nearly constant colour; a subject is cut off from it by its outline.

/** sRGB [0, 1] (CHW planes) -> CIE Lab, each channel scaled to about [0, 1] (L/100, (a|b+110)/220). */
export function toLab(rgb: Float32Array, n: number): Float32Array[] {
  const L = new Float32Array(n),
    A = new Float32Array(n),
    B = new Float32Array(n);
  const lin = (c: number): number => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  for (let i = 0; i < n; i++) {
    const r = lin(rgb[i]),
      g = lin(rgb[n + i]),
      b = lin(rgb[2 * n + i]);
    const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
    const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
    const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
    L[i] = (116 * y - 16) / 100;
    A[i] = (500 * (x - y) + 110) / 220;
    B[i] = (200 * (y - z) + 110) / 220;
  }
  return [L, A, B];
}

/**
 * Minimum barrier distance to the grid's border (Zhang et al., ICCV 2015, raster-scan
 * approximation): the smallest max-minus-min of the channel along a path to any border pixel.
 * Three forward/backward pass pairs are enough on natural images (the paper's finding).
 */
export function barrierDistance(channel: Float32Array, w: number, h: number, passes = 3): Float32Array {
  const n = w * h;
  const dist = new Float32Array(n).fill(Infinity);
  const hi = Float32Array.from(channel),
    lo = Float32Array.from(channel);
  for (let x = 0; x < w; x++) dist[x] = dist[(h - 1) * w + x] = 0;
  for (let y = 0; y < h; y++) dist[y * w] = dist[y * w + w - 1] = 0;
  const relax = (i: number, j: number): void => {
    const v = channel[i];
    const top = hi[j] > v ? hi[j] : v,
      bottom = lo[j] < v ? lo[j] : v;
    if (top - bottom < dist[i]) {
      dist[i] = top - bottom;
      hi[i] = top;
      lo[i] = bottom;
    }
  };
  for (let pass = 0; pass < passes; pass++) {
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1; x < w - 1; x++) {
        const i = y * w + x;
        relax(i, i - 1);
        relax(i, i - w);
      }
    }
    for (let y = h - 2; y >= 1; y--) {
      for (let x = w - 2; x >= 1; x--) {
        const i = y * w + x;
        relax(i, i + 1);
        relax(i, i + w);
      }
    }
  }
  return dist;
}

/**
 * Backgroundness contrast (the same paper's boundary prior): each pixel's colour distance to
 * the four border strips (mean and per-channel spread of each), summed over the strips less the
 * largest, so a subject covering one side of the frame does not erase itself.
 */
export function borderContrast(lab: Float32Array[], w: number, h: number, strip = 0.1): Float32Array {
  const n = w * h;
  const sw = Math.max(1, Math.round(strip * w)),
    sh = Math.max(1, Math.round(strip * h));
  const inStrip: ((x: number, y: number) => boolean)[] = [(_x, y) => y < sh, (_x, y) => y >= h - sh, (x) => x < sw, (x) => x >= w - sw];
  const out = new Float32Array(n);
  const perStrip = inStrip.map((test) => {
    const mean = [0, 0, 0],
      sq = [0, 0, 0];
    let count = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (!test(x, y)) continue;
        count++;
        for (let c = 0; c < 3; c++) {
          const v = lab[c][y * w + x];
          mean[c] += v;
          sq[c] += v * v;
        }
      }
    }
    const m = mean.map((s) => s / count);
    const variance = sq.map((s, c) => Math.max(s / count - m[c] * m[c], 1e-4));
    const d = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let c = 0; c < 3; c++) acc += (lab[c][i] - m[c]) ** 2 / variance[c];
      d[i] = Math.sqrt(acc);
    }
    return d;
  });
  for (let i = 0; i < n; i++) {
    let sum = 0,
      max = 0;
    for (const d of perStrip) {
      sum += d[i];
      if (d[i] > max) max = d[i];
    }
    out[i] = sum - max;
  }
  return out;
}

/** Scales to [0, 1] by the range; a constant map becomes zeros. */
export function normalizeRange(values: Float32Array): Float32Array {
  let lo = Infinity,
    hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  return values.map((v) => (range > 0 ? (v - lo) / range : 0));
}
