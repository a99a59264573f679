// CPU reference rasterizer (also the fallback without WebGPU). Per view and pixel: for each
// stroke near the pixel's tile, u = min over its segments of (distance to the segment minus
// the segment's half-width); coverage = 1 - smoothstep(-f, f, u); image = product over
// strokes of (1 - coverage). Backward differentiates exactly that, taking the gradient of
// the single closest segment per stroke (argmin subgradient: differentiating a soft or
// tied min double-counts shared segment ends: 10-50 % off finite differences in the prototype).
// Views: the flattened canvas vertices p_k are mapped by the view's homography; segment k's
// half-width is r_k = width/4 (s_k + s_k+1), s = sqrt|det J| the map's local scale at the
// vertex, so each segment is a capsule and the gradient also flows through r_k.
import { accumulateFlattenGradient, DEFAULT_SEGMENTS } from '../geometry/bezier.ts';
import { ENTRY_FLOATS, prepareScene, type PreparedScene, type PreparedView } from './cpu-prepare.ts';
import type { RasterScene, Rasterizer } from './types.ts';

export interface CpuRasterizerOptions {
  /** Segments per flattened stroke (default DEFAULT_SEGMENTS = 16). */
  segments?: number;
  /** Tile side in pixels for binning (default 8). */
  tileSize?: number;
  /** false = naive all-pairs (every pixel visits every segment); for benchmarks. Default true. */
  binning?: boolean;
}

/** Scratch per stroke run within a tile, reused across pixels (no per-pixel allocation). */
interface Scratch {
  minU: Float64Array;
  entry: Int32Array;
  t: Float64Array;
  cx: Float64Array;
  cy: Float64Array;
  d: Float64Array;
}

function makeScratch(n: number): Scratch {
  return {
    minU: new Float64Array(n),
    entry: new Int32Array(n),
    t: new Float64Array(n),
    cx: new Float64Array(n),
    cy: new Float64Array(n),
    d: new Float64Array(n),
  };
}

/**
 * Visits the runs (one per stroke) of a tile's entries for the pixel centre (x, y): fills
 * scratch[run] with the closest segment and returns the number of runs. u >= f means no ink.
 */
function closestPerStroke(entries: Float64Array, start: number, end: number, x: number, y: number, f: number, sc: Scratch): number {
  let run = -1;
  let stroke = -1;
  for (let e = start; e < end; e++) {
    const o = e * ENTRY_FLOATS;
    if (entries[o + 6] !== stroke) {
      stroke = entries[o + 6];
      run++;
      sc.minU[run] = Infinity;
    }
    const dx = x - entries[o],
      dy = y - entries[o + 1];
    const ex = entries[o + 2],
      ey = entries[o + 3],
      r = entries[o + 5];
    let t = (dx * ex + dy * ey) * entries[o + 4];
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const cx = dx - t * ex,
      cy = dy - t * ey;
    const d2 = cx * cx + cy * cy;
    const reach = r + f;
    if (d2 >= reach * reach) continue; // beyond the falloff: no coverage from this segment
    const d = Math.sqrt(d2);
    const u = d - r;
    if (u < sc.minU[run]) {
      sc.minU[run] = u;
      sc.entry[run] = e;
      sc.t[run] = t;
      sc.cx[run] = cx;
      sc.cy[run] = cy;
      sc.d[run] = d;
    }
  }
  return run + 1;
}

/** Renders every view of a prepared scene into out (B*size*size; Float64Array for tests). */
export function renderPrepared(scene: PreparedScene, out: Float32Array | Float64Array): void {
  const { size, tileSize, tilesPerSide, falloff: f } = scene;
  const sc = makeScratch(Math.max(1, scene.strokes));
  const inv2f = 1 / (2 * f);
  for (let v = 0; v < scene.views; v++) {
    const { tileStart, entries } = scene.views_[v];
    const base = v * size * size;
    for (let t = 0; t < tilesPerSide * tilesPerSide; t++) {
      const x0 = (t % tilesPerSide) * tileSize,
        y0 = Math.floor(t / tilesPerSide) * tileSize;
      const x1 = Math.min(size, x0 + tileSize),
        y1 = Math.min(size, y0 + tileSize);
      const start = tileStart[t],
        end = tileStart[t + 1];
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          let value = 1;
          if (end > start) {
            const runs = closestPerStroke(entries, start, end, x + 0.5, y + 0.5, f, sc);
            for (let k = 0; k < runs; k++) {
              const u = sc.minU[k];
              if (u >= f) continue;
              if (u <= -f) {
                value = 0;
                break;
              }
              const s = (u + f) * inv2f;
              value *= s * s * (3 - 2 * s); // 1 - coverage
            }
          }
          out[base + y * size + x] = value;
        }
      }
    }
  }
}

/** dLoss/dPoints (N*8) given dLoss/dImages for the prepared scene. */
export function backwardPrepared(scene: PreparedScene, gradImages: ArrayLike<number>, out: Float32Array | Float64Array): void {
  const { strokes, segments, size, views } = scene;
  if (gradImages.length !== views * size * size) {
    throw new Error(`backward: gradImages length ${gradImages.length} != views*size*size = ${views * size * size}`);
  }
  const n = strokes * (segments + 1);
  const gpx = new Float64Array(n),
    gpy = new Float64Array(n);
  const gqx = new Float64Array(n),
    gqy = new Float64Array(n),
    gr = new Float64Array(strokes * segments);
  const sc = makeScratch(Math.max(1, strokes));
  for (let v = 0; v < views; v++) {
    gqx.fill(0);
    gqy.fill(0);
    gr.fill(0);
    accumulateViewGradient(scene, scene.views_[v], gradImages, v * size * size, sc, gqx, gqy, gr);
    chainThroughView(scene, scene.views_[v], gqx, gqy, gr, gpx, gpy);
  }
  out.fill(0);
  for (let s = 0; s < strokes; s++) accumulateFlattenGradient(gpx, gpy, s * (segments + 1), scene.table, out, s);
}

/** Gradients w.r.t. the view's mapped vertices (gqx, gqy) and per-segment half-widths (gr). */
function accumulateViewGradient(
  scene: PreparedScene,
  view: PreparedView,
  grad: ArrayLike<number>,
  base: number,
  sc: Scratch,
  gqx: Float64Array,
  gqy: Float64Array,
  gr: Float64Array,
): void {
  const { size, tileSize, tilesPerSide, segments, falloff: f } = scene;
  const { tileStart, entries } = view;
  const inv2f = 1 / (2 * f);
  for (let t = 0; t < tilesPerSide * tilesPerSide; t++) {
    const start = tileStart[t],
      end = tileStart[t + 1];
    if (end === start) continue;
    const x0 = (t % tilesPerSide) * tileSize,
      y0 = Math.floor(t / tilesPerSide) * tileSize;
    const x1 = Math.min(size, x0 + tileSize),
      y1 = Math.min(size, y0 + tileSize);
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const g = grad[base + y * size + x];
        if (g === 0) continue;
        const runs = closestPerStroke(entries, start, end, x + 0.5, y + 0.5, f, sc);
        // Image = product of (1 - c_k); zero factors are counted so d/dc_k stays exact.
        let product = 1;
        let zeros = 0;
        for (let k = 0; k < runs; k++) {
          const u = sc.minU[k];
          if (u >= f) continue;
          if (u <= -f) {
            zeros++;
            continue;
          }
          const s = (u + f) * inv2f;
          product *= s * s * (3 - 2 * s);
        }
        if (zeros > 0) continue; // a fully inked stroke here: every other factor has zero gradient, its own ramp is flat
        for (let k = 0; k < runs; k++) {
          const u = sc.minU[k];
          if (u >= f || u <= -f) continue;
          const s = (u + f) * inv2f;
          const d = sc.d[k];
          // dImage/du = (product of the other factors) * d(1-c)/du, d(1-c)/du = 6 s (1-s) / (2f).
          const others = product / (s * s * (3 - 2 * s));
          const dLdu = g * others * 6 * s * (1 - s) * inv2f;
          const o = sc.entry[k] * ENTRY_FLOATS;
          const stroke = entries[o + 6],
            seg = entries[o + 7];
          gr[stroke * segments + seg] -= dLdu; // u = d - r
          if (d === 0) continue; // on the centre line: direction undefined, take the zero subgradient
          const tt = sc.t[k];
          // d = |p - (a + t e)|: dd/da = -(1 - t) (p - c)/d, dd/db = -t (p - c)/d.
          const nx = (dLdu * sc.cx[k]) / d,
            ny = (dLdu * sc.cy[k]) / d;
          const ia = stroke * (segments + 1) + seg;
          gqx[ia] -= (1 - tt) * nx;
          gqy[ia] -= (1 - tt) * ny;
          gqx[ia + 1] -= tt * nx;
          gqy[ia + 1] -= tt * ny;
        }
      }
    }
  }
}

/** Adds the canvas-vertex gradients of one view: through q = H(p) and r = width/4 (s_k + s_k+1). */
function chainThroughView(
  scene: PreparedScene,
  view: PreparedView,
  gqx: Float64Array,
  gqy: Float64Array,
  gr: Float64Array,
  gpx: Float64Array,
  gpy: Float64Array,
): void {
  const { strokes, segments, width } = scene;
  const { h, qx, qy, w, scale, visible } = view;
  const vps = segments + 1;
  for (let s = 0; s < strokes; s++) {
    if (!visible[s]) continue;
    for (let k = 0; k < vps; k++) {
      const i = s * vps + k;
      // Half-width gradient reaching this vertex from its (one or two) segments.
      let gs = 0;
      if (k > 0) gs += gr[s * segments + k - 1];
      if (k < segments) gs += gr[s * segments + k];
      gs *= 0.25 * width;
      const gx = gqx[i],
        gy = gqy[i];
      if (gx === 0 && gy === 0 && gs === 0) continue;
      const wi = w[i];
      // J^T g with J = [(H0 - qx H6, H1 - qx H7), (H3 - qy H6, H4 - qy H7)] / w; scale = c w^-1.5.
      const dsdw = (-1.5 * scale[i]) / wi;
      gpx[i] += (gx * (h[0] - qx[i] * h[6]) + gy * (h[3] - qy[i] * h[6])) / wi + gs * dsdw * h[6];
      gpy[i] += (gx * (h[1] - qx[i] * h[7]) + gy * (h[4] - qy[i] * h[7])) / wi + gs * dsdw * h[7];
    }
  }
}

export function createCpuRasterizer(options: CpuRasterizerOptions = {}): Rasterizer {
  const prepareOptions = {
    segments: options.segments ?? DEFAULT_SEGMENTS,
    tileSize: options.tileSize ?? 8,
    binning: options.binning ?? true,
  };
  if (!Number.isInteger(prepareOptions.tileSize) || prepareOptions.tileSize < 1) {
    throw new Error(`tileSize must be a positive integer, got ${prepareOptions.tileSize}`);
  }
  let last: PreparedScene | null = null;
  return {
    backend: 'cpu',
    async forward(scene: RasterScene): Promise<Float32Array> {
      const prepared = prepareScene(scene, prepareOptions);
      const out = new Float32Array(prepared.views * prepared.size * prepared.size);
      renderPrepared(prepared, out);
      last = prepared;
      return out;
    },
    async backward(gradImages: Float32Array): Promise<Float32Array> {
      if (!last) throw new Error('backward() called before forward()');
      const out = new Float32Array(last.strokes * 8);
      backwardPrepared(last, gradImages, out);
      return out;
    },
    dispose() {
      last = null;
    },
  };
}
