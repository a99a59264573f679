// The subject of a photo, as a soft map on the working canvas, without a trained segmenter:
// the image's own transparency when it has some; otherwise a salient-object estimate (border
// barrier and border contrast, a mild centre prior, then a colour model that pulls the map to
// the subject's outline). Why: loss and edges reward tracing every edge, and a busy photo has
// more background edges than subject edges (docs/evaluation.md).
import { otsuThreshold } from '../init/xdog.ts';
import { contentRect, type Preprocessed } from '../preprocess/preprocess.ts';
import { barrierDistance, borderContrast, normalizeRange, toLab } from './barrier.ts';
import { boxBlur, components, fillHoles } from './grid.ts';
import { refineByColour } from './refine.ts';

export type SubjectSource = 'alpha' | 'estimate' | 'whole';

export interface SubjectMap {
  /** size x size in [0, 1]: 1 on the subject, 0 on background and padding. */
  mask: Float32Array;
  source: SubjectSource;
  /** Fraction of the image's content the subject covers. */
  area: number;
  /** Why the map is what it is, in words (shown beside the backend line). */
  note: string;
}

/** An estimate covering less or more than this fraction of the content is not trusted. */
export const SUBJECT_AREA = [0.02, 0.85] as const;
/** A side of the frame counts as touched when the estimate covers more than this share of it. */
const SIDE_TOUCH = 0.05;
/** An estimate covering more of one side than this runs past the frame: not trusted. */
export const SUBJECT_MAX_SIDE = 0.5;
/** Outline feather, as a fraction of the content's longer side: an estimate's outline is no hard, invented edge. */
const FEATHER = 0.015;
/** Transparent pixels (opacity below 0.5) needed before the alpha channel counts as a cut-out. */
const ALPHA_MIN_TRANSPARENT = 0.01;

interface Crop {
  x0: number;
  y0: number;
  w: number;
  h: number;
}

/** The whole-pixel part of the canvas that the image covers. */
function contentCrop(pre: Preprocessed): Crop {
  const r = contentRect(pre.map);
  const x0 = Math.max(0, Math.ceil(r.x0 - 1e-6)),
    y0 = Math.max(0, Math.ceil(r.y0 - 1e-6));
  const x1 = Math.min(pre.size, Math.floor(r.x1 + 1e-6)),
    y1 = Math.min(pre.size, Math.floor(r.y1 + 1e-6));
  return { x0, y0, w: Math.max(1, x1 - x0), h: Math.max(1, y1 - y0) };
}

function cropPlanes(pre: Preprocessed, c: Crop): Float32Array {
  const n = c.w * c.h,
    plane = pre.size * pre.size;
  const out = new Float32Array(3 * n);
  for (let k = 0; k < 3; k++) {
    for (let y = 0; y < c.h; y++) {
      for (let x = 0; x < c.w; x++) out[k * n + y * c.w + x] = pre.rgb[k * plane + (c.y0 + y) * pre.size + c.x0 + x];
    }
  }
  return out;
}

function pasteCrop(values: Float32Array, c: Crop, size: number): Float32Array {
  const out = new Float32Array(size * size);
  for (let y = 0; y < c.h; y++) for (let x = 0; x < c.w; x++) out[(c.y0 + y) * size + c.x0 + x] = values[y * c.w + x];
  return out;
}

/** Raw saliency on the crop: barrier distance (sum over Lab channels) plus border contrast, times a mild centre prior. */
export function salientMap(rgb: Float32Array, w: number, h: number): Float32Array {
  const lab = toLab(rgb, w * h);
  const barrier = new Float32Array(w * h);
  for (const channel of lab) {
    const d = barrierDistance(channel, w, h);
    for (let i = 0; i < d.length; i++) barrier[i] += d[i];
  }
  const contrast = borderContrast(lab, w, h);
  const a = normalizeRange(barrier),
    b = normalizeRange(contrast);
  const out = new Float32Array(w * h);
  const sx = 0.5 * w,
    sy = 0.5 * h;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const centre = Math.exp(-(((x + 0.5 - w / 2) / sx) ** 2 + ((y + 0.5 - h / 2) / sy) ** 2) / 2);
      out[y * w + x] = (a[y * w + x] + b[y * w + x]) * (0.6 + 0.4 * centre);
    }
  }
  return normalizeRange(boxBlur(out, w, h, 1, 2));
}

/** Share of each side of the crop (top, right, bottom, left) that the binary mask covers. */
export function sideShares(binary: Uint8Array, w: number, h: number): number[] {
  let top = 0,
    bottom = 0,
    left = 0,
    right = 0;
  for (let x = 0; x < w; x++) {
    top += binary[x];
    bottom += binary[(h - 1) * w + x];
  }
  for (let y = 0; y < h; y++) {
    left += binary[y * w];
    right += binary[y * w + w - 1];
  }
  return [top / w, right / h, bottom / w, left / h];
}

/** Keeps the largest component and those at least a quarter of its size, with holes filled. */
function mainComponents(binary: Uint8Array, w: number, h: number): Uint8Array {
  const { labels, sizes } = components(binary, w, h);
  const largest = Math.max(0, ...sizes.slice(1));
  const keep = binary.map((_, i) => (labels[i] > 0 && sizes[labels[i]] >= 0.25 * largest ? 1 : 0));
  return fillHoles(keep, w, h);
}

function fromAlpha(pre: Preprocessed): SubjectMap | null {
  const { alpha } = pre;
  if (!alpha) return null;
  const c = contentCrop(pre);
  let transparent = 0,
    covered = 0;
  for (let y = 0; y < c.h; y++) {
    for (let x = 0; x < c.w; x++) {
      const a = alpha[(c.y0 + y) * pre.size + c.x0 + x];
      if (a < 0.5) transparent++;
      covered += a;
    }
  }
  if (transparent < ALPHA_MIN_TRANSPARENT * c.w * c.h) return null;
  const area = covered / (c.w * c.h);
  return {
    mask: Float32Array.from(alpha),
    source: 'alpha',
    area,
    note: `subject from the image's transparency (${Math.round(100 * area)} % of it)`,
  };
}

function wholeImage(pre: Preprocessed, why: string): SubjectMap {
  const c = contentCrop(pre);
  return { mask: pasteCrop(new Float32Array(c.w * c.h).fill(1), c, pre.size), source: 'whole', area: 1, note: why };
}

/** The subject map of a preprocessed image (see the file comment). */
export function findSubject(pre: Preprocessed): SubjectMap {
  const cut = fromAlpha(pre);
  if (cut) return cut;
  const c = contentCrop(pre);
  if (c.w < 16 || c.h < 16) return wholeImage(pre, 'whole image: too thin to find a subject in');
  const rgb = cropPlanes(pre, c);
  const prior = salientMap(rgb, c.w, c.h);
  const refined = refineByColour(rgb, prior, c.w, c.h);
  const threshold = Math.min(0.5, otsuThreshold(refined));
  const binary = mainComponents(
    Uint8Array.from(refined, (v) => (v >= threshold ? 1 : 0)),
    c.w,
    c.h,
  );
  let count = 0;
  for (const v of binary) count += v;
  const area = count / (c.w * c.h);
  if (area < SUBJECT_AREA[0] || area > SUBJECT_AREA[1])
    return wholeImage(pre, `whole image: no clear subject (an estimate covered ${Math.round(100 * area)} % of it)`);
  // Border priors cannot see a subject that the frame cuts: an estimate reaching over one side
  // (a subject standing on the bottom edge) is plausible, one spreading along two is a guess.
  const sides = sideShares(binary, c.w, c.h);
  const touched = sides.filter((v) => v > SIDE_TOUCH).length,
    widest = Math.max(...sides);
  if (touched > 1 || widest > SUBJECT_MAX_SIDE)
    return wholeImage(
      pre,
      `whole image: the subject seems to run past the frame (${touched} sides, up to ${Math.round(100 * widest)} % of one)`,
    );
  const soft = boxBlur(Float32Array.from(binary), c.w, c.h, Math.max(1, Math.round(FEATHER * Math.max(c.w, c.h))), 3);
  return {
    mask: pasteCrop(soft, c, pre.size),
    source: 'estimate',
    area,
    note: `subject estimated from colour and the image border (${Math.round(100 * area)} % of it)`,
  };
}

/**
 * What the strokes are fitted to: the subject kept, everything else faded to white, as RGB
 * planes and luminance like preprocess's.
 */
export function focusOnSubject(pre: Pick<Preprocessed, 'rgb'>, mask: Float32Array): { rgb: Float32Array; gray: Float32Array } {
  const plane = mask.length;
  const rgb = new Float32Array(pre.rgb.length),
    gray = new Float32Array(plane);
  for (let i = 0; i < plane; i++) {
    const m = mask[i];
    for (let k = 0; k < 3; k++) rgb[k * plane + i] = pre.rgb[k * plane + i] * m + (1 - m);
    gray[i] = 0.299 * rgb[i] + 0.587 * rgb[plane + i] + 0.114 * rgb[2 * plane + i];
  }
  return { rgb, gray };
}

/**
 * Edge density of the background (edge pixels per background pixel, 0-1): how much a sketch of
 * the whole photo would be pulled away from the subject. `edges` is the photo's edge mask.
 */
export function backgroundClutter(edges: Float32Array, subject: SubjectMap, pre: Preprocessed): number {
  const inside = contentCrop(pre);
  let edge = 0,
    area = 0;
  for (let y = inside.y0; y < inside.y0 + inside.h; y++) {
    for (let x = inside.x0; x < inside.x0 + inside.w; x++) {
      // With no subject found, every edge of the photo competes for the strokes.
      const i = y * pre.size + x,
        background = subject.source === 'whole' ? 1 : 1 - subject.mask[i];
      edge += edges[i] * background;
      area += background;
    }
  }
  return area > 0 ? edge / area : 0;
}

/** Background clutter above which a photo counts as busy (the panel suggests removing the background). */
export const BUSY_CLUTTER = 0.08;

/** What a result says about its subject. */
export interface SubjectSummary {
  /** 'off' when the run drew the whole image by request. */
  source: SubjectSource | 'off';
  area: number;
  note: string;
  /** Background edge density of the photo (0 for a cut-out). */
  clutter: number;
  /** An opaque photo with a cluttered background: a cut-out would give a cleaner sketch. */
  busy: boolean;
}

export function describeSubject(subject: SubjectMap | null, edges: Float32Array, pre: Preprocessed): SubjectSummary {
  if (!subject) return { source: 'off', area: 1, note: 'whole image (subject: off)', clutter: 0, busy: false };
  const clutter = subject.source === 'alpha' ? 0 : backgroundClutter(edges, subject, pre);
  return {
    source: subject.source,
    area: subject.area,
    note: subject.note,
    clutter,
    busy: subject.source !== 'alpha' && clutter > BUSY_CLUTTER,
  };
}
