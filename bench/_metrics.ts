// Geometric fidelity of a sketch: symmetric Chamfer distance (px) between its ink and the
// photo's edges on the working canvas. Lower is better. The edges are XDoG (the
// initialization's parameters, docs/design.md "CLIPasso parameters") of the photo after local contrast normalization: XDoG thresholds absolute
// differences, so on a dark photo (rocket: a night launch) it finds almost nothing on the
// subject (212 pixels, none on the upper rocket or the towers) and a faithful sketch scores
// worse than strokes sitting on the few lit pixels. Chosen from the edge maps of all six
// photos before scoring any sketch with it; the raw XDoG score is still reported beside it.
import { gaussianBlur, xdogEdges, startRegion, contentMask, type Preprocessed } from '../src/engine/index.ts';

/** Local statistics window (px on the 224 canvas): about a tenth of the subject. */
const LCN_SIGMA = 16;
/** Keeps flat regions (sky, paper) flat instead of amplifying their noise. */
const LCN_FLOOR = 0.04;

/**
 * Each content pixel as its deviation from the local mean in units of the local standard
 * deviation, mapped to [0, 1] around 0.5 (the padding stays white): dimming a photo barely
 * changes the result, unlike the raw gray levels.
 */
export function localContrastNormalize(gray: Float32Array, inside: Float32Array, size: number, sigma = LCN_SIGMA): Float32Array {
  const mean = gaussianBlur(gray, size, sigma);
  const meanSq = gaussianBlur(
    gray.map((v) => v * v),
    size,
    sigma,
  );
  return gray.map((v, i) => {
    if (inside[i] < 0.5) return 1;
    const std = Math.sqrt(Math.max(0, meanSq[i] - mean[i] * mean[i]));
    return Math.min(1, Math.max(0, 0.5 + (v - mean[i]) / (4 * std + LCN_FLOOR)));
  });
}

export interface FidelityEdges {
  /** The yardstick: XDoG after local contrast normalization, inside the subject region. */
  edges: Uint8Array;
  /** XDoG of the raw gray image, inside the subject region (the earlier yardstick). */
  rawEdges: Uint8Array;
}

/**
 * The photo's edges for the Chamfer score, without the band along the white padding: the
 * frame of a non-square photo is an XDoG edge but not part of the subject.
 */
export function fidelityEdges(pre: Pick<Preprocessed, 'gray' | 'map'>, size: number): FidelityEdges {
  const region = startRegion(pre.map);
  const masked = (edges: Float32Array) => Uint8Array.from(edges, (v, i) => v * region[i]);
  const normalized = localContrastNormalize(pre.gray, contentMask(pre.map, 0), size);
  return { edges: masked(xdogEdges(normalized, size)), rawEdges: masked(xdogEdges(pre.gray, size)) };
}

/** Exact Euclidean distance from every pixel to the nearest set pixel of `mask` (brute force over set pixels, bucketed by row). */
function distanceToMask(mask: Uint8Array, size: number): Float32Array {
  const rows: number[][] = Array.from({ length: size }, () => []);
  for (let i = 0; i < mask.length; i++) if (mask[i]) rows[Math.floor(i / size)].push(i % size);
  const out = new Float32Array(size * size).fill(Infinity);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let best = Infinity;
      // Scan rows outward from y; stop once the row distance alone exceeds the best.
      for (let d = 0; d < size && d * d < best; d++) {
        for (const yy of d === 0 ? [y] : [y - d, y + d]) {
          if (yy < 0 || yy >= size) continue;
          for (const xx of rows[yy]) {
            const dist = (xx - x) ** 2 + d * d;
            if (dist < best) best = dist;
          }
        }
      }
      out[y * size + x] = Math.sqrt(best);
    }
  }
  return out;
}

/** Mean of (distance from a's pixels to b) and (from b's pixels to a); Infinity if either is empty. */
export function symmetricChamfer(a: Uint8Array, b: Uint8Array, size: number): number {
  const countA = a.reduce((s, v) => s + v, 0),
    countB = b.reduce((s, v) => s + v, 0);
  if (countA === 0 || countB === 0) return Infinity;
  const toA = distanceToMask(a, size),
    toB = distanceToMask(b, size);
  let ab = 0,
    ba = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i]) ab += toB[i];
    if (b[i]) ba += toA[i];
  }
  return (ab / countA + ba / countB) / 2;
}

/** Ink mask of a rendered gray image (1 = paper): pixels darker than 0.5. */
export function inkMask(gray: Float32Array): Uint8Array {
  return Uint8Array.from(gray, (v) => (v < 0.5 ? 1 : 0));
}

export type Side = 'top' | 'bottom' | 'left' | 'right';

export interface BorderTracing {
  /** Strokes with at least `share` of their length within `band` px of one of the sides. */
  tracing: number;
  /** Share of all strokes' length within the band (compare: the band's share of the content area). */
  inkShare: number;
}

/**
 * Do strokes (canvas px, N*8) trace the frame of a non-square photo? `sides` of the content
 * rectangle (x0, y0, x1, y1) are lines where the photo meets the white padding; each stroke is
 * sampled at 33 points and counted as tracing when `share` of them lie within `band` px of one
 * side (between its ends).
 */
export function borderTracing(
  points: ArrayLike<number>,
  rect: { x0: number; y0: number; x1: number; y1: number },
  sides: readonly Side[],
  band = 4,
  share = 0.5,
): BorderTracing {
  const lines = sides.map((side) =>
    side === 'top'
      ? { horizontal: true, at: rect.y0 }
      : side === 'bottom'
        ? { horizontal: true, at: rect.y1 }
        : side === 'left'
          ? { horizontal: false, at: rect.x0 }
          : { horizontal: false, at: rect.x1 },
  );
  const n = Math.floor(points.length / 8),
    samples = 33;
  const hits = new Float64Array(lines.length);
  let tracing = 0,
    inBand = 0;
  for (let s = 0; s < n; s++) {
    hits.fill(0);
    let any = 0;
    for (let i = 0; i < samples; i++) {
      const t = i / (samples - 1),
        u = 1 - t;
      const w = [u * u * u, 3 * t * u * u, 3 * t * t * u, t * t * t];
      let x = 0,
        y = 0;
      for (let j = 0; j < 4; j++) {
        x += w[j] * points[s * 8 + 2 * j];
        y += w[j] * points[s * 8 + 2 * j + 1];
      }
      let near = false;
      lines.forEach((l, k) => {
        const [across, along, lo, hi] = l.horizontal ? [y, x, rect.x0, rect.x1] : [x, y, rect.y0, rect.y1];
        if (Math.abs(across - l.at) <= band && along >= lo - band && along <= hi + band) {
          hits[k]++;
          near = true;
        }
      });
      if (near) any++;
    }
    inBand += any;
    if (hits.some((h) => h >= share * samples)) tracing++;
  }
  return { tracing, inkShare: n > 0 ? inBand / (n * samples) : 0 };
}
