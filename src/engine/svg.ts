// SVG export: one open cubic path per stroke, black, round caps and joins (CLIPasso's output).
import { seriesSlotX, seriesWidth } from '../common/series.ts';
import type { SketchResult } from './result.ts';

const fmt = (v: number): string => {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
};

/** Path data 'M x0 y0 C x1 y1 x2 y2 x3 y3' of stroke s in `points` (N*8). */
export function strokePath(points: ArrayLike<number>, s: number): string {
  const p = (i: number) => `${fmt(points[s * 8 + 2 * i])} ${fmt(points[s * 8 + 2 * i + 1])}`;
  return `M ${p(0)} C ${p(1)} ${p(2)} ${p(3)}`;
}

export interface SvgOptions {
  /** Paint a white background rectangle (default false: transparent). */
  background?: boolean;
  color?: string;
}

type SvgSketch = Pick<SketchResult, 'points' | 'width' | 'imageWidth' | 'imageHeight'>;

/**
 * The points moved into [0, w] x [0, h]. The optimizer lets points drift a little past the
 * canvas (its clamp box has a margin), and an SVG's viewBox should hold its whole drawing;
 * a point out there only bends a stroke's end that lies off the image anyway.
 */
export function pointsInFrame(points: ArrayLike<number>, w: number, h: number): Float32Array {
  const out = Float32Array.from(points);
  for (let i = 0; i < out.length; i += 2) {
    out[i] = Math.min(w, Math.max(0, out[i]));
    out[i + 1] = Math.min(h, Math.max(0, out[i + 1]));
  }
  return out;
}

function checkColor(color: string): string {
  if (!/^#[0-9a-fA-F]{3,8}$|^[a-z]+$/.test(color)) throw new Error(`svg color must be a hex colour or a name, got '${color}'`);
  return color;
}

function strokeGroup(sketch: SvgSketch, color: string, dx = 0): string[] {
  const points = pointsInFrame(sketch.points, sketch.imageWidth, sketch.imageHeight);
  const shift = dx ? ` transform="translate(${fmt(dx)} 0)"` : '';
  const lines = [
    `<g${shift} fill="none" stroke="${color}" stroke-width="${fmt(sketch.width)}" stroke-linecap="round" stroke-linejoin="round">`,
  ];
  for (let s = 0; s < points.length / 8; s++) lines.push(`<path d="${strokePath(points, s)}"/>`);
  lines.push('</g>');
  return lines;
}

function svgDocument(w: number, h: number, body: string[], options: SvgOptions): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(w)}" height="${fmt(h)}" viewBox="0 0 ${fmt(w)} ${fmt(h)}">`,
    ...(options.background ? [`<rect width="${fmt(w)}" height="${fmt(h)}" fill="#fff"/>`] : []),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** The sketch over the input image's frame (viewBox = image pixels). */
export function toSvg(result: SvgSketch, options: SvgOptions = {}): string {
  const color = checkColor(options.color ?? '#000');
  return svgDocument(result.imageWidth, result.imageHeight, strokeGroup(result, color), options);
}

/** An abstraction series side by side in one SVG, spaced as the plugin inserts it. */
export function toSeriesSvg(results: readonly SvgSketch[], options: SvgOptions = {}): string {
  if (results.length === 0) throw new Error('a series needs at least one sketch');
  const color = checkColor(options.color ?? '#000');
  const { imageWidth: w, imageHeight: h } = results[0];
  const body = results.flatMap((r, k) => strokeGroup(r, color, seriesSlotX(k, w)));
  return svgDocument(seriesWidth(results.length, w), h, body, options);
}
