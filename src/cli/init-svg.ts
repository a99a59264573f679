// --init: the strokes of an SVG Sketchify wrote (engine svg.ts toSvg), read back exactly. Such
// an SVG is <svg width=W height=H viewBox="0 0 W H"> (W x H = the image's own pixels, so path
// coordinates are image pixels), an optional white <rect>, and one <g> of <path d="M x y C x y
// x y x y"/> strokes, without a transform. Anything else gets a specific error: a series SVG
// (several translated groups), another tool's paths, a viewBox that is not the image's frame.
import type { DecodedImage } from './decode.ts';

/** The --init file cannot be used (exit 3, like an unusable image). */
export class InitSvgError extends Error {}

export interface SketchSvg {
  width: number;
  height: number;
  /** 8 numbers per stroke, in the SVG's (the image's) pixels. */
  points: number[];
}

const NUMBER = String.raw`-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?`;
const PATH_D = new RegExp(`^M (${NUMBER}) (${NUMBER}) C (${NUMBER}) (${NUMBER}) (${NUMBER}) (${NUMBER}) (${NUMBER}) (${NUMBER})$`, 'i');
const ALLOWED = new Set(['svg', 'g', 'path', 'rect']);

function attribute(attrs: string, name: string): string | null {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(attrs);
  return m ? m[1] : null;
}

/** The strokes of a Sketchify SVG; `name` labels errors. */
export function parseSketchSvg(text: string, name: string): SketchSvg {
  const fail = (why: string): never => {
    throw new InitSvgError(`--init ${name}: ${why}`);
  };
  const body = text
    .replace(/^\uFEFF/, '')
    .replace(/<\?xml[^>]*\?>/, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  const tags = [...body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)([^>]*)>/g)];
  if (tags.length === 0 || tags[0][2] !== 'svg' || tags[0][1]) fail('not an SVG (no <svg> element first)');
  for (const [, , tag] of tags)
    if (!ALLOWED.has(tag))
      fail(`holds a <${tag}> element: only SVGs that Sketchify wrote can be read (<path d="M x y C x y x y x y"/> strokes)`);
  const svgAttrs = tags[0][3];
  const width = Number(attribute(svgAttrs, 'width')),
    height = Number(attribute(svgAttrs, 'height'));
  const viewBox = attribute(svgAttrs, 'viewBox');
  if (!(width > 0 && height > 0)) fail('the <svg> element has no positive width and height');
  if (viewBox === null || viewBox.trim().split(/\s+/).map(Number).join(' ') !== `0 0 ${width} ${height}`) {
    fail(`its viewBox '${viewBox ?? ''}' is not '0 0 ${width} ${height}' (width x height): not an SVG Sketchify wrote`);
  }
  const groups = tags.filter(([, close, tag]) => tag === 'g' && !close);
  if (groups.length > 1 || groups.some(([, , , attrs]) => attribute(attrs, 'transform') !== null)) {
    fail(
      `holds ${groups.length} sketches side by side (a --series SVG): --init takes the SVG of one sketch (-d writes one per count, NAME-N.svg)`,
    );
  }
  const points: number[] = [];
  let strokes = 0;
  for (const [, close, tag, attrs] of tags) {
    if (tag !== 'path' || close) continue;
    strokes++;
    const d = attribute(attrs, 'd');
    const m = d === null ? null : PATH_D.exec(d.trim());
    if (!m) fail(`path ${strokes} is '${d ?? '(no d)'}': each stroke must be one cubic 'M x y C x y x y x y'`);
    points.push(...m!.slice(1, 9).map(Number));
  }
  if (strokes === 0) fail('holds no stroke (<path>)');
  return { width, height, points };
}

/**
 * The strokes in the engine's image frame: the engine sees a copy downscaled to MAX_IMAGE_SIDE
 * when the file is larger, while the SVG is in the file's own pixels (toSourceFrame's inverse).
 */
export function strokesForImage(svg: SketchSvg, image: DecodedImage, name: string, input: string): number[] {
  if (svg.width !== image.sourceWidth || svg.height !== image.sourceHeight) {
    throw new InitSvgError(
      `--init ${name} is ${svg.width}x${svg.height} px but ${input} is ${image.sourceWidth}x${image.sourceHeight}: the strokes must come from a sketch of this image`,
    );
  }
  const fx = image.sourceWidth / image.width,
    fy = image.sourceHeight / image.height;
  return fx === 1 && fy === 1 ? svg.points : svg.points.map((v, i) => v / (i % 2 === 0 ? fx : fy));
}

/** Puts the SVG's own numbers back into the frozen strokes of a result in the file's frame (no float round trip). */
export function restoreFrozen(
  points: Float32Array,
  origin: readonly number[] | undefined,
  frozen: readonly number[],
  svg: SketchSvg,
): Float32Array {
  if (!origin || frozen.length === 0) return points;
  const out = points.slice();
  origin.forEach((o, j) => {
    if (o >= 0 && frozen.includes(o)) for (let k = 0; k < 8; k++) out[8 * j + k] = svg.points[8 * o + k];
  });
  return out;
}
