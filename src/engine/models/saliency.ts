// Saliency post-processing: bilinear upsampling (half-pixel centres) and min-max normalization.

/** Bilinear resize of one h x w map to size x size (half-pixel centres, edge clamped). */
export function resizeBilinear(src: Float32Array, h: number, w: number, size: number): Float32Array {
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const sy = Math.min(Math.max(((y + 0.5) * h) / size - 0.5, 0), h - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const sx = Math.min(Math.max(((x + 0.5) * w) / size - 0.5, 0), w - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, w - 1);
      const fx = sx - x0;
      const top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
      const bottom = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
      out[y * size + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** Scales to [0, 1]; a constant map becomes all zeros. */
export function minMaxNormalize(values: Float32Array): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  return values.map((v) => (range > 0 ? (v - lo) / range : 0));
}

/**
 * Generic saliency for architectures without attention: channel energy mean_c(f^2) of one
 * [C, h, w] feature map (the deepest tap): strong responses mark what the network attends to.
 */
export function channelEnergy(features: Float32Array, channels: number, h: number, w: number): Float32Array {
  const out = new Float32Array(h * w);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < h * w; i++) {
      const v = features[c * h * w + i];
      out[i] += (v * v) / channels;
    }
  }
  return out;
}
