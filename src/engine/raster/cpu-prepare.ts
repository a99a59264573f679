// CPU step 1: flatten every stroke once, map the polylines through each view, and bin the
// segments into square pixel tiles. Everything the forward and backward passes read.
import { flattenStroke, flatteningTable } from '../geometry/bezier.ts';
import { det3 } from '../geometry/projective.ts';
import { MIN_W, validateScene, type SceneShape } from './scene.ts';
import type { RasterScene } from './types.ts';

/** Floats per entry of a tile list: ax, ay, ex, ey, 1/|e|^2, r, stroke, segment index. */
export const ENTRY_FLOATS = 8;

export interface PreparedView {
  /** 3x3 map of this view. */
  h: Float64Array;
  /** Mapped vertices, homogeneous w and local scale per vertex, N*(S+1) each. */
  qx: Float64Array;
  qy: Float64Array;
  w: Float64Array;
  scale: Float64Array;
  /** 1 where every vertex of the stroke has w > MIN_W. */
  visible: Uint8Array;
  /** Tile t's entries are [tileStart[t], tileStart[t+1]) of `entries` (ENTRY_FLOATS each), grouped by stroke. */
  tileStart: Int32Array;
  entries: Float64Array;
}

export interface PreparedScene extends SceneShape {
  segments: number;
  binning: boolean;
  tileSize: number;
  tilesPerSide: number;
  table: Float64Array;
  /** Canvas-space vertices, N*(S+1). */
  px: Float64Array;
  py: Float64Array;
  views_: PreparedView[];
}

export interface PrepareOptions {
  segments: number;
  tileSize: number;
  /** false: one tile covering the whole image holding every segment (naive all-pairs baseline). */
  binning: boolean;
}

export function prepareScene(scene: RasterScene, options: PrepareOptions): PreparedScene {
  const shape = validateScene(scene);
  const { strokes, size } = shape;
  const segments = options.segments;
  const table = flatteningTable(segments);
  const vertsPerStroke = segments + 1;
  const px = new Float64Array(strokes * vertsPerStroke);
  const py = new Float64Array(strokes * vertsPerStroke);
  for (let s = 0; s < strokes; s++) flattenStroke(scene.points, s, table, px, py, s * vertsPerStroke);
  const tileSize = options.binning ? options.tileSize : size;
  const tilesPerSide = Math.ceil(size / tileSize);
  const prepared: PreparedScene = { ...shape, segments, binning: options.binning, tileSize, tilesPerSide, table, px, py, views_: [] };
  for (let v = 0; v < shape.views; v++) {
    prepared.views_.push(prepareView(prepared, Float64Array.from(scene.views.subarray(9 * v, 9 * v + 9))));
  }
  return prepared;
}

function prepareView(scene: PreparedScene, h: Float64Array): PreparedView {
  const { strokes, segments, px, py, width } = scene;
  const vps = segments + 1;
  const n = strokes * vps;
  const qx = new Float64Array(n),
    qy = new Float64Array(n),
    w = new Float64Array(n),
    scale = new Float64Array(n);
  const visible = new Uint8Array(strokes);
  const sqrtDet = Math.sqrt(Math.abs(det3(h)));
  for (let s = 0; s < strokes; s++) {
    let ok = 1;
    for (let i = s * vps; i < (s + 1) * vps; i++) {
      const wi = h[6] * px[i] + h[7] * py[i] + h[8];
      w[i] = wi;
      if (!(wi > MIN_W)) {
        ok = 0;
        continue;
      }
      qx[i] = (h[0] * px[i] + h[1] * py[i] + h[2]) / wi;
      qy[i] = (h[3] * px[i] + h[4] * py[i] + h[5]) / wi;
      // sqrt|det J| with det J = det H / w^3.
      scale[i] = sqrtDet / (wi * Math.sqrt(wi));
    }
    visible[s] = ok;
  }
  const { tileStart, entries } = binSegments(scene, qx, qy, scale, visible, width);
  return { h, qx, qy, w, scale, visible, tileStart, entries };
}

/** Two passes (count, then fill) so each tile's entries are contiguous and in stroke order. */
function binSegments(
  scene: PreparedScene,
  qx: Float64Array,
  qy: Float64Array,
  scale: Float64Array,
  visible: Uint8Array,
  width: number,
): { tileStart: Int32Array; entries: Float64Array } {
  const { strokes, segments, size, tileSize, tilesPerSide, falloff } = scene;
  const vps = segments + 1;
  const tiles = tilesPerSide * tilesPerSide;
  const counts = new Int32Array(tiles + 1);
  // Tile range per segment, or -1 when it touches no pixel.
  const ranges = new Int32Array(strokes * segments * 4).fill(-1);
  for (let s = 0; s < strokes; s++) {
    if (!visible[s]) continue;
    for (let k = 0; k < segments; k++) {
      const i = s * vps + k;
      const r = 0.25 * width * (scale[i] + scale[i + 1]);
      const reach = r + falloff;
      // Pixel centres (c + 0.5) inside the expanded box: the only pixels with nonzero coverage.
      const c0x = Math.max(0, Math.ceil(Math.min(qx[i], qx[i + 1]) - reach - 0.5));
      const c1x = Math.min(size - 1, Math.floor(Math.max(qx[i], qx[i + 1]) + reach - 0.5));
      const c0y = Math.max(0, Math.ceil(Math.min(qy[i], qy[i + 1]) - reach - 0.5));
      const c1y = Math.min(size - 1, Math.floor(Math.max(qy[i], qy[i + 1]) + reach - 0.5));
      const g = 4 * (s * segments + k);
      if (!scene.binning) {
        // Naive baseline: every visible segment goes into the single tile, even off-canvas ones.
        ranges.fill(0, g, g + 4);
        counts[1]++;
        continue;
      }
      if (c0x > c1x || c0y > c1y) continue;
      ranges[g] = Math.floor(c0x / tileSize);
      ranges[g + 1] = Math.floor(c1x / tileSize);
      ranges[g + 2] = Math.floor(c0y / tileSize);
      ranges[g + 3] = Math.floor(c1y / tileSize);
      for (let ty = ranges[g + 2]; ty <= ranges[g + 3]; ty++) {
        for (let tx = ranges[g]; tx <= ranges[g + 1]; tx++) counts[ty * tilesPerSide + tx + 1]++;
      }
    }
  }
  const tileStart = new Int32Array(tiles + 1);
  for (let t = 0; t < tiles; t++) tileStart[t + 1] = tileStart[t] + counts[t + 1];
  const fill = tileStart.slice(0, tiles);
  const entries = new Float64Array(tileStart[tiles] * ENTRY_FLOATS);
  for (let s = 0; s < strokes; s++) {
    for (let k = 0; k < segments; k++) {
      const g = 4 * (s * segments + k);
      if (ranges[g] < 0) continue;
      const i = s * vps + k;
      const ex = qx[i + 1] - qx[i],
        ey = qy[i + 1] - qy[i];
      const len2 = ex * ex + ey * ey;
      for (let ty = ranges[g + 2]; ty <= ranges[g + 3]; ty++) {
        for (let tx = ranges[g]; tx <= ranges[g + 1]; tx++) {
          const o = fill[ty * tilesPerSide + tx]++ * ENTRY_FLOATS;
          entries[o] = qx[i];
          entries[o + 1] = qy[i];
          entries[o + 2] = ex;
          entries[o + 3] = ey;
          entries[o + 4] = len2 > 0 ? 1 / len2 : 0;
          entries[o + 5] = 0.25 * width * (scale[i] + scale[i + 1]);
          entries[o + 6] = s;
          entries[o + 7] = k;
        }
      }
    }
  }
  return { tileStart, entries };
}
