// Which strokes of a recorded sketch the user changed, from what the group holds now. Pure: the
// caller reads the nodes. A stroke is untouched when its path data has the recorded
// fingerprint and it sits where the rest of the sketch sits; a stroke moved by hand, reshaped,
// or kept by an earlier refine is the user's. Moving, rotating or re-parenting the whole group
// moves every untouched stroke alike: that common motion is found (the largest agreeing set)
// and the strokes are read back in subject units through it, so the engine sees the drawing
// over the image it was made from, and new strokes land where the group is now.

import { apply, compose, invert, type Affine } from '../common/affine.ts';
import { SUBJECT_COORD_LIMIT } from '../common/protocol.ts';
import { pathCubics } from './path-cubics.ts';
import { fingerprint, type SketchRecord } from './sketch-record.ts';

/** A child of the sketch group as read from Figma. */
export interface ChildState {
  id: string;
  /** Path data (sketch-record.ts pathData) of a vector; null for any other kind of node. */
  pathData: string | null;
  /** Each path's data, to read the geometry. */
  paths: readonly string[];
  transform: Affine;
}

export interface StrokeState {
  id: string;
  edited: boolean;
  /** The stroke's segments as cubics in subject units (an untouched stroke has one). */
  cubics: number[][];
  /** Why some of an edited stroke's geometry is not shown to the engine, if so. */
  unread?: string;
}

export interface EditReport {
  /** Where the group's frame went since the record: current = motion ∘ recorded. */
  motion: Affine;
  /** Recorded strokes still in the group, in recorded order. */
  strokes: StrokeState[];
  /** Recorded strokes deleted (or no longer vectors). */
  deleted: number;
  /** Children Sketchify did not put there; left alone. */
  extras: number;
}

const LINEAR_TOLERANCE = 1e-4;
const TRANSLATION_TOLERANCE = 0.05; // node pixels

function sameMotion(a: Affine, b: Affine): boolean {
  for (const i of [0, 1, 3, 4]) if (Math.abs(a[i] - b[i]) > LINEAR_TOLERANCE) return false;
  return Math.abs(a[2] - b[2]) <= TRANSLATION_TOLERANCE && Math.abs(a[5] - b[5]) <= TRANSLATION_TOLERANCE;
}

/** The motion most strokes agree on (ties: the one of the earliest stroke); identity if none. */
function commonMotion(motions: readonly Affine[]): Affine {
  let best: Affine = [1, 0, 0, 0, 1, 0];
  let bestCount = 0;
  for (const m of motions) {
    const count = motions.filter((other) => sameMotion(m, other)).length;
    if (count > bestCount) {
      best = m;
      bestCount = count;
    }
  }
  return best;
}

function toSubject(cubic: readonly number[], map: Affine): number[] {
  const out: number[] = [];
  for (let i = 0; i < 8; i += 2) {
    const p = apply(map, cubic[i], cubic[i + 1]);
    out.push(p.x, p.y);
  }
  return out;
}

export function detectEdits(record: SketchRecord, children: readonly ChildState[]): EditReport {
  const byId = new Map(children.map((c) => [c.id, c]));
  const present = record.strokes.flatMap((rec) => {
    const child = byId.get(rec.id);
    return child && child.pathData !== null ? [{ rec, child, sameData: fingerprint(child.pathData) === rec.h }] : [];
  });
  const recorded = new Set(record.strokes.map((s) => s.id));
  // Only strokes whose path is unchanged say where the sketch moved: a reshaped vector is re-based.
  const motionOf = (p: (typeof present)[number]) => compose(p.child.transform, invert(p.rec.t));
  const motion = commonMotion(present.filter((p) => p.sameData).map(motionOf));
  const frameToUnit = invert(compose(motion, record.unitToFrame));

  const strokes = present.map(({ rec, child, sameData }): StrokeState => {
    const edited = rec.f === 1 || !sameData || !sameMotion(motionOf({ rec, child, sameData }), motion);
    const toUnit = compose(frameToUnit, child.transform);
    let cubics: number[][];
    try {
      cubics = child.paths.flatMap((d) => pathCubics(d)).map((c) => toSubject(c, toUnit));
    } catch (e) {
      return { id: rec.id, edited: true, cubics: [], unread: (e as Error).message };
    }
    if (!edited && cubics.length !== 1) return { id: rec.id, edited: true, cubics, unread: undefined };
    const far = cubics.filter((c) => c.some((v) => !Number.isFinite(v) || Math.abs(v) > SUBJECT_COORD_LIMIT));
    if (far.length === 0) return { id: rec.id, edited, cubics };
    return {
      id: rec.id,
      edited: true,
      cubics: cubics.filter((c) => !far.includes(c)),
      unread: `${far.length} segment(s) lie far outside the image`,
    };
  });
  return { motion, strokes, deleted: record.strokes.length - present.length, extras: children.filter((c) => !recorded.has(c.id)).length };
}
