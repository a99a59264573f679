// The nested abstraction series, offered beside the independent one: 32 strokes first, then
// each smaller level is the level above with its least useful strokes removed and the rest
// re-optimized briefly (the engine's `initial` + `remove`, as its sketchNestedSeries does), so
// the four sketches read as one drawing simplified. Inserted side by side as 4, 8, 16, 32.
import { NESTED_ITERATION_FRACTION, PRESETS } from '../engine/index.ts';
import { fail, insertOptions, recordTiming, runOnce, toSketchPayload, withInsert } from './actions.ts';
import { sandbox } from './bridge.ts';
import * as s from './state.ts';
import type { WireResult } from './engine/protocol.ts';

export async function runNestedSeries(): Promise<void> {
  const subject = s.subject.value;
  if (!s.canRun.value || !subject) return;
  s.problem.value = null;
  s.notice.value = null;
  s.runStatus.value = 'running';
  const levels = [...s.SERIES_STROKES].sort((a, b) => b - a);
  s.seriesLevels.value = levels;
  const brief = Math.ceil((s.iterationsOverride.value ?? PRESETS[s.preset.value].iterations) * NESTED_ITERATION_FRACTION);
  const { width, height } = subject.image;
  const results: WireResult[] = [];
  try {
    for (const [i, strokes] of levels.entries()) {
      s.seriesIndex.value = i;
      const above = results[i - 1];
      const points = above && Array.from(above.unitPoints, (v, k) => v * (k % 2 === 0 ? width : height));
      const r = above
        ? await runOnce(strokes, s.seed.value, {
            options: { initial: { points, frozen: [] }, remove: above.unitPoints.length / 8 - strokes, iterations: brief },
          })
        : await runOnce(strokes, s.seed.value);
      s.result.value = r;
      recordTiming(r);
      if (r.cancelled) {
        s.runStatus.value = 'cancelled';
        s.notice.value = `Nested series stopped after ${results.length} of ${levels.length} sketches; nothing was inserted.`;
        return;
      }
      results.push(r);
    }
    s.runStatus.value = 'done';
    const ascending = [...results].reverse();
    await withInsert(
      () => sandbox.emit('insertSeries', { ...insertOptions(ascending[0], 'beside'), sketches: ascending.map(toSketchPayload) }),
      `a nested series of ${results.length} sketches`,
    );
  } catch (error) {
    // Cancelled while a smaller level was still removing strokes (it has no best-so-far yet).
    if (s.runStatus.peek() === 'cancelling') {
      s.runStatus.value = 'cancelled';
      s.notice.value = `Nested series stopped after ${results.length} of ${levels.length} sketches; nothing was inserted.`;
    } else fail(error);
  } finally {
    s.seriesIndex.value = null;
  }
}
