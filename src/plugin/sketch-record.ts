// What Sketchify remembers on a sketch group it made (plugin data), so that selecting the group
// later can refine it: the source image, how subject units map into the group's frame, and per
// stroke (in order) what was inserted, to tell the user's edits from untouched strokes.
// Plugin data can be stale (another version wrote it) or tampered with (other plugins, copies):
// it is parsed with the same schemas as messages, and a bad record reads as a plain reason.

import type { Affine } from '../common/affine.ts';
import { MAX_IMAGE_SIDE, MAX_STROKES } from '../common/limits.ts';
import { array, literal, num, object, optional, str, type Infer, type Schema } from '../common/rpc/schema.ts';

/** Plugin-data key of the record (JSON). SOURCE_KEY stays beside it for "Sketch again". */
export const RECORD_KEY = 'sketch';
export const RECORD_VERSION = 1;
/** The JSON of a full record stays far below Figma's plugin-data size; beyond this it is refused. */
export const MAX_RECORD_CHARS = 100_000;

const finite = (limit: number) => num({ min: -limit, max: limit });
const affine = array(finite(1e9), { length: 6, max: 6 }) as unknown as Schema<Affine>;
const side = (max: number) => num({ min: 1e-3, max });

const recordedStroke = object({
  /** The vector node's id. */
  id: str({ min: 1, max: 256 }),
  /** Fingerprint of the vector's path data as Figma read it back after the insert. */
  h: str({ min: 8, max: 8 }),
  /** Its relativeTransform then (rows flattened), rounded to 1e-6. */
  t: affine,
  /** 1: the user's stroke, kept as it is by every refine (it was edited before one). */
  f: optional(literal(1)),
});
export type RecordedStroke = Infer<typeof recordedStroke>;

const sketchRecord = object({
  v: literal(RECORD_VERSION),
  /** The image node the sketch was drawn from. */
  source: str({ min: 1, max: 256 }),
  /** Its image's pixel size then: a different image cannot be refined against these strokes. */
  image: array(num({ min: 1, max: MAX_IMAGE_SIDE, integer: true }), { length: 2, max: 2 }),
  /** Subject units -> image pixels (ImageSource.unitToImage at the insert). */
  unitToImage: affine,
  /** The subject's size in node pixels (its aspect ratio is the sketch's). */
  subject: array(side(1e6), { length: 2, max: 2 }),
  /** Subject units -> the space the group's children are positioned in (their relativeTransform's). */
  unitToFrame: affine,
  /** The stroke width the engine drew with: `width` pixels of a `canvasSize` canvas. */
  canvasSize: num({ min: 16, max: 4096 }),
  width: num({ min: 0.01, max: 64 }),
  strokes: array(recordedStroke, { min: 1, max: MAX_STROKES }),
});
export type SketchRecord = Infer<typeof sketchRecord>;

/** FNV-1a, 32 bits, as 8 hex digits: a fingerprint of path data, not a security measure. */
export function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The path data of a vector as one string (each path's winding rule and data). */
export function pathData(paths: readonly { windingRule: string; data: string }[]): string {
  return paths.map((p) => `${p.windingRule}:${p.data}`).join('|');
}

export const round6 = (v: number): number => Math.round(v * 1e6) / 1e6 || 0;
export const roundAffine = (m: Affine): Affine => m.map(round6) as unknown as Affine;

export function encodeRecord(record: SketchRecord): string {
  const text = JSON.stringify(sketchRecord(record, 'record'));
  if (text.length > MAX_RECORD_CHARS)
    throw new Error(`the sketch's record would be ${text.length} characters; the limit is ${MAX_RECORD_CHARS}`);
  return text;
}

export type RecordRead = { ok: true; record: SketchRecord } | { ok: false; reason: string };

/** The record in `text` (plugin data), or why it cannot be used. '' means none. */
export function decodeRecord(text: string): RecordRead | null {
  if (text === '') return null;
  if (text.length > MAX_RECORD_CHARS)
    return { ok: false, reason: `its data is ${text.length} characters long, more than Sketchify ever writes` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'its data is not valid JSON' };
  }
  const version = (raw as { v?: unknown } | null)?.v;
  if (typeof version === 'number' && version > RECORD_VERSION)
    return { ok: false, reason: `it was made by a newer Sketchify (data version ${version})` };
  try {
    const record = sketchRecord(raw, 'record');
    const ids = new Set(record.strokes.map((s) => s.id));
    if (ids.size !== record.strokes.length) return { ok: false, reason: 'its data names a stroke twice' };
    return { ok: true, record };
  } catch (e) {
    return { ok: false, reason: `its data is damaged (${(e as Error).message})` };
  }
}

/** What a vector looks like now, as the record keeps it; `frozen` marks the user's stroke. */
export function strokeEntry(vector: Pick<VectorNode, 'id' | 'vectorPaths' | 'relativeTransform'>, frozen = false): RecordedStroke {
  const t = vector.relativeTransform;
  const entry: RecordedStroke = {
    id: vector.id,
    h: fingerprint(pathData(vector.vectorPaths)),
    t: roundAffine([t[0][0], t[0][1], t[0][2], t[1][0], t[1][1], t[1][2]]),
  };
  if (frozen) entry.f = 1;
  return entry;
}
