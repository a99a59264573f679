// SVG export: one open cubic path per stroke, black, round caps and joins (CLIPasso's output).
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

/** The sketch over the input image's frame (viewBox = image pixels). */
export function toSvg(result: Pick<SketchResult, 'points' | 'width' | 'imageWidth' | 'imageHeight'>, options: SvgOptions = {}): string {
  const { points, width, imageWidth: w, imageHeight: h } = result;
  const color = options.color ?? '#000';
  if (!/^#[0-9a-fA-F]{3,8}$|^[a-z]+$/.test(color)) throw new Error(`svg color must be a hex colour or a name, got '${color}'`);
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`,
    ...(options.background ? [`<rect width="${w}" height="${h}" fill="#fff"/>`] : []),
    `<g fill="none" stroke="${color}" stroke-width="${fmt(width)}" stroke-linecap="round" stroke-linejoin="round">`,
  ];
  for (let s = 0; s < points.length / 8; s++) lines.push(`<path d="${strokePath(points, s)}"/>`);
  lines.push('</g>', '</svg>', '');
  return lines.join('\n');
}
