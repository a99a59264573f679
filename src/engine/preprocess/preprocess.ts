// Input image -> the square working canvas: alpha over white, padded (centred) to a square
// with white, never stretched, area-resampled to size x size (exact box filter: every input
// pixel contributes by the area it overlaps, so downscaling does not alias).
import { validateImage, type RgbaImage } from './image.ts';

/** input pixel coordinates = canvas * scale - offset (both in pixel units, centres at +0.5). */
export interface CanvasMap {
  width: number;
  height: number;
  size: number;
  /** Input pixels per canvas pixel: max(width, height) / size. */
  scale: number;
  /** Padding before the image on each axis, in input pixels. */
  offsetX: number;
  offsetY: number;
}

export interface Preprocessed {
  size: number;
  /** 3 x size x size (CHW), values in [0, 1]. */
  rgb: Float32Array;
  /** size x size luminance in [0, 1]. */
  gray: Float32Array;
  /** size x size opacity in [0, 1] (the padding is 0), or null when every input pixel is opaque. */
  alpha: Float32Array | null;
  map: CanvasMap;
}

export function canvasMap(width: number, height: number, size: number): CanvasMap {
  const side = Math.max(width, height);
  return { width, height, size, scale: side / size, offsetX: (side - width) / 2, offsetY: (side - height) / 2 };
}

export function canvasToImage(map: CanvasMap, x: number, y: number): [number, number] {
  return [x * map.scale - map.offsetX, y * map.scale - map.offsetY];
}

export function imageToCanvas(map: CanvasMap, x: number, y: number): [number, number] {
  return [(x + map.offsetX) / map.scale, (y + map.offsetY) / map.scale];
}

/** The canvas rectangle covered by the input image (canvas px; the rest is white padding). */
export function contentRect(map: CanvasMap): { x0: number; y0: number; x1: number; y1: number } {
  const [x0, y0] = imageToCanvas(map, 0, 0);
  const [x1, y1] = imageToCanvas(map, map.width, map.height);
  return { x0, y0, x1, y1 };
}

/**
 * size x size mask: 1 for canvas pixels lying wholly inside the content and at least `margin`
 * px away from every side of it that borders padding, else 0. Sides that are the canvas edge
 * keep no margin: the padding, not the canvas edge, is what makes a spurious edge there.
 */
export function contentMask(map: CanvasMap, margin: number): Float32Array {
  const r = contentRect(map);
  const padX = map.offsetX > 0 ? margin : 0,
    padY = map.offsetY > 0 ? margin : 0;
  const x0 = r.x0 + padX,
    x1 = r.x1 - padX,
    y0 = r.y0 + padY,
    y1 = r.y1 - padY;
  const mask = new Float32Array(map.size * map.size);
  for (let y = Math.max(0, Math.ceil(y0)); y + 1 <= y1 && y < map.size; y++) {
    for (let x = Math.max(0, Math.ceil(x0)); x + 1 <= x1 && x < map.size; x++) mask[y * map.size + x] = 1;
  }
  return mask;
}

/** Per output sample: overlapped source indices and areas, plus the area that falls on padding. */
interface AreaWeights {
  start: Int32Array;
  count: Int32Array;
  weights: Float64Array[];
  white: Float64Array;
}

/** Box-filter weights for `n` outputs spanning the padded length `side`, the source [0, len) at `offset`. */
export function areaWeights(n: number, side: number, offset: number, len: number): AreaWeights {
  const step = side / n;
  const start = new Int32Array(n),
    count = new Int32Array(n),
    white = new Float64Array(n);
  const weights: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const a = i * step - offset,
      b = (i + 1) * step - offset;
    const j0 = Math.max(0, Math.floor(a)),
      j1 = Math.min(len - 1, Math.ceil(b) - 1);
    const w = new Float64Array(Math.max(0, j1 - j0 + 1));
    let inside = 0;
    for (let j = j0; j <= j1; j++) {
      const overlap = Math.min(b, j + 1) - Math.max(a, j);
      w[j - j0] = Math.max(0, overlap) / step;
      inside += w[j - j0];
    }
    start[i] = j0;
    count[i] = w.length;
    weights.push(w);
    white[i] = Math.max(0, 1 - inside);
  }
  return { start, count, weights, white };
}

export function preprocess(image: RgbaImage, size = 224): Preprocessed {
  validateImage(image);
  const { width: w, height: h, data } = image;
  const map = canvasMap(w, h, size);
  const side = Math.max(w, h);
  const wx = areaWeights(size, side, map.offsetX, w);
  const wy = areaWeights(size, side, map.offsetY, h);
  // Horizontal pass over every input row, compositing over white on the fly (0..1 floats).
  // Horizontal pass over every input row, compositing over white on the fly (0..1 floats); the
  // fourth channel carries the opacity (padding: 0) for the subject map.
  const rows = new Float32Array(h * size * 4);
  let opaque = true;
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < size; i++) {
      let r = wx.white[i],
        g = r,
        b = r,
        a = 0;
      const ws = wx.weights[i];
      for (let k = 0; k < wx.count[i]; k++) {
        const p = (y * w + wx.start[i] + k) * 4;
        const alpha = data[p + 3] / 255;
        if (data[p + 3] < 255) opaque = false;
        const bg = 1 - alpha;
        r += ws[k] * ((data[p] / 255) * alpha + bg);
        g += ws[k] * ((data[p + 1] / 255) * alpha + bg);
        b += ws[k] * ((data[p + 2] / 255) * alpha + bg);
        a += ws[k] * alpha;
      }
      const o = (y * size + i) * 4;
      rows[o] = r;
      rows[o + 1] = g;
      rows[o + 2] = b;
      rows[o + 3] = a;
    }
  }
  const plane = size * size;
  const rgb = new Float32Array(3 * plane);
  const gray = new Float32Array(plane);
  const alpha = new Float32Array(plane);
  for (let j = 0; j < size; j++) {
    const ws = wy.weights[j];
    for (let i = 0; i < size; i++) {
      let r = wy.white[j],
        g = r,
        b = r,
        a = 0;
      for (let k = 0; k < wy.count[j]; k++) {
        const o = ((wy.start[j] + k) * size + i) * 4;
        r += ws[k] * rows[o];
        g += ws[k] * rows[o + 1];
        b += ws[k] * rows[o + 2];
        a += ws[k] * rows[o + 3];
      }
      const p = j * size + i;
      rgb[p] = clamp01(r);
      rgb[plane + p] = clamp01(g);
      rgb[2 * plane + p] = clamp01(b);
      gray[p] = clamp01(0.299 * r + 0.587 * g + 0.114 * b);
      alpha[p] = clamp01(a);
    }
  }
  return { size, rgb, gray, alpha: opaque ? null : alpha, map };
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);
