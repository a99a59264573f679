// Refine, +4 strokes, −4 strokes on a selected sketch Sketchify made: the engine starts from the
// sketch's own strokes (the user's edits frozen), and the sandbox puts the result into the group.
import { MAX_STROKES } from '../common/limits.ts';
import type { RefinableSketch } from '../common/protocol.ts';
import { fail, hexToRgb, recordTiming, runOnce } from './actions.ts';
import { sandbox } from './bridge.ts';
import * as s from './state.ts';
import { renderSubject, type Subject } from './subject.ts';

export type RefineKind = 'refine' | 'add' | 'remove';
/** Strokes one "+" or "−" adds or removes. */
export const REFINE_STEP = 4;

/** The selected refinable sketch, if the selection is one. */
export function refinableSketch(): RefinableSketch | null {
  const sel = s.selection.value;
  return sel?.status === 'ready' && sel.sketch?.status === 'refinable' ? sel.sketch : null;
}

/** Whether `kind` can run on this sketch: strokes left to move, to remove, room to add. */
export function refineAllowed(kind: RefineKind, t: RefinableSketch): boolean {
  const free = t.strokes.length - t.frozen.length;
  if (kind === 'add') return t.strokes.length + REFINE_STEP <= MAX_STROKES;
  if (kind === 'remove') return free >= REFINE_STEP && t.strokes.length - REFINE_STEP >= 1;
  return free > 0;
}

/** The subject as the sketch was drawn on it: the image node's current one unless its layout changed since. */
async function refineSubject(t: RefinableSketch): Promise<Subject> {
  const current = s.subject.value!;
  const src = current.source;
  const same =
    src.subjectWidth === t.subjectWidth &&
    src.subjectHeight === t.subjectHeight &&
    src.unitToImage.every((v, i) => Math.abs(v - t.unitToImage[i]) < 1e-6 * Math.max(1, Math.abs(v)));
  if (same) return current;
  return renderSubject({ ...src, unitToImage: t.unitToImage, subjectWidth: t.subjectWidth, subjectHeight: t.subjectHeight });
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export async function refine(kind: RefineKind): Promise<void> {
  const t = refinableSketch();
  if (!t || !s.canRun.value || !refineAllowed(kind, t)) return;
  s.problem.value = null;
  s.notice.value = null;
  s.seriesIndex.value = null;
  s.runStatus.value = 'running';
  try {
    const subject = await refineSubject(t);
    const { width, height } = subject.image;
    const points = t.strokes.flatMap((stroke) => stroke.map((v, i) => v * (i % 2 === 0 ? width : height)));
    const add = kind === 'add' ? REFINE_STEP : 0;
    const remove = kind === 'remove' ? REFINE_STEP : 0;
    const r = await runOnce(t.strokes.length + add - remove, s.seed.value, {
      subject,
      // The engine's width is in pixels of a 224 canvas; the sketch's was of its canvasSize.
      options: { initial: { points, frozen: [...t.frozen] }, add, remove, width: (t.width * 224) / t.canvasSize },
    });
    s.live.value = r;
    recordTiming(r);
    if (r.cancelled) {
      s.runStatus.value = 'cancelled';
      s.notice.value = 'Refine stopped: the sketch was not changed.';
      return;
    }
    if (!r.origin || r.origin.length * 8 !== r.unitPoints.length)
      throw new Error('The engine did not say which strokes it kept, so the sketch was not changed.');
    const strokes: number[][] = [];
    for (let i = 0; i < r.unitPoints.length; i += 8) strokes.push(Array.from(r.unitPoints.subarray(i, i + 8)));
    s.runStatus.value = 'done';
    s.inserting.value = true;
    try {
      const done = await sandbox.emit('refineSketch', {
        groupId: t.groupId,
        stateKey: t.stateKey,
        strokes,
        origin: r.origin,
        color: hexToRgb(s.colorHex.value),
      });
      const parts = [
        `${plural(done.moved, 'stroke')} redrawn`,
        done.kept ? `${done.kept} of yours kept` : '',
        done.added ? `${done.added} added` : '',
        done.removed ? `${done.removed} removed` : '',
      ];
      s.notice.value = `Refined the sketch: ${parts.filter(Boolean).join(', ')} (loss ${r.lossInitial.toFixed(3)} → ${r.bestLoss.toFixed(3)}).`;
    } catch (error) {
      s.problem.value = { title: 'The sketch was not changed', detail: (error as Error).message, remedies: [] };
    } finally {
      s.inserting.value = false;
    }
  } catch (error) {
    // Cancelled while the engine was still removing strokes (no best-so-far exists then): nothing changed.
    if (s.runStatus.peek() === 'cancelling') {
      s.runStatus.value = 'cancelled';
      s.notice.value = 'Refine stopped: the sketch was not changed.';
    } else fail(error);
  }
}
