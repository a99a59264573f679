// XDoG edge map (Winnemoeller et al. 2012) binarized with Otsu's threshold: the edge mask the
// initialization samples start points from (CLIPasso's parameters, docs/design.md "CLIPasso parameters").

export interface XdogParams {
  gamma: number;
  phi: number;
  eps: number;
  sigma: number;
  k: number;
}

export const XDOG_DEFAULTS: Readonly<XdogParams> = { gamma: 0.98, phi: 200, eps: -0.1, sigma: 0.8, k: 10 };

/** Separable Gaussian blur of a size x size map (edges clamped), kernel radius ceil(3 sigma). */
export function gaussianBlur(src: Float32Array, size: number, sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  const clampIndex = (i: number): number => (i < 0 ? 0 : i >= size ? size - 1 : i);
  const tmp = new Float32Array(size * size);
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let acc = 0;
      for (let i = -radius; i <= radius; i++) acc += kernel[i + radius] * src[y * size + clampIndex(x + i)];
      tmp[y * size + x] = acc;
    }
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let acc = 0;
      for (let i = -radius; i <= radius; i++) acc += kernel[i + radius] * tmp[clampIndex(y + i) * size + x];
      out[y * size + x] = acc;
    }
  }
  return out;
}

/** Continuous XDoG response in [0, 1] (1 = paper, low = dark line) of a gray image in [0, 1]. */
export function xdog(gray: Float32Array, size: number, p: XdogParams = XDOG_DEFAULTS): Float32Array {
  const g1 = gaussianBlur(gray, size, p.sigma);
  const g2 = gaussianBlur(gray, size, p.sigma * p.k);
  const out = new Float32Array(size * size);
  for (let i = 0; i < out.length; i++) {
    const d = g1[i] - p.gamma * g2[i];
    out[i] = d >= p.eps ? 1 : 1 + Math.tanh(p.phi * (d - p.eps));
  }
  return out;
}

/** Otsu's threshold over [0, 1] values (256 bins): maximizes the between-class variance. */
export function otsuThreshold(values: Float32Array): number {
  const bins = 256;
  const hist = new Float64Array(bins);
  for (const v of values) hist[Math.min(bins - 1, Math.max(0, Math.floor(v * bins)))]++;
  const total = values.length;
  let sumAll = 0;
  for (let i = 0; i < bins; i++) sumAll += i * hist[i];
  let weightB = 0,
    sumB = 0,
    best = -1,
    threshold = 0;
  for (let t = 0; t < bins; t++) {
    weightB += hist[t];
    if (weightB === 0) continue;
    const weightF = total - weightB;
    if (weightF === 0) break;
    sumB += t * hist[t];
    const meanB = sumB / weightB,
      meanF = (sumAll - sumB) / weightF;
    const between = weightB * weightF * (meanB - meanF) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return (threshold + 1) / bins; // values below belong to the dark class
}

/** Edge mask: 1 where the XDoG response is in Otsu's dark class, else 0. A flat image has no edges. */
export function xdogEdges(gray: Float32Array, size: number, p: XdogParams = XDOG_DEFAULTS): Float32Array {
  const response = xdog(gray, size, p);
  let lo = Infinity,
    hi = -Infinity;
  for (const v of response) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const mask = new Float32Array(size * size);
  if (hi - lo < 1e-6) return mask;
  const t = otsuThreshold(response);
  for (let i = 0; i < mask.length; i++) mask[i] = response[i] < t ? 1 : 0;
  return mask;
}
