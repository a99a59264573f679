// A nested abstraction series (Picasso's Bull: one drawing simplified step by step): the
// largest level is sketched as usual; each smaller one is the level above with its least
// useful strokes removed (optimize/prune.ts), the rest re-optimized briefly. The levels then
// share strokes, where an independent series (one sketchify per count) draws each afresh.
import { MAX_SERIES, MAX_STROKES } from '../common/limits.ts';
import { resolveOptions, type SketchOptions } from './options.ts';
import type { RgbaImage } from './preprocess/image.ts';
import type { SketchResult } from './result.ts';
import { sketchify, type SketchRuntime } from './sketch.ts';

/** Each smaller level re-optimizes for this fraction of the options' iterations (rounded up). */
export const NESTED_ITERATION_FRACTION = 0.25;

const PER_LEVEL = ['strokes', 'initial', 'add', 'remove'] as const;

/** Checks the levels: whole stroke counts within the limits, strictly decreasing (largest first). */
export function checkNestedLevels(levels: readonly number[]): void {
  if (!Array.isArray(levels) || levels.length === 0)
    throw new RangeError('a nested series needs at least one level (stroke counts, largest first)');
  if (levels.length > MAX_SERIES) throw new RangeError(`a nested series holds at most ${MAX_SERIES} levels, got ${levels.length}`);
  levels.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 1 || n > MAX_STROKES)
      throw new RangeError(`nested series level ${i} must be a whole stroke count from 1 to ${MAX_STROKES}, got ${String(n)}`);
    if (i > 0 && n >= levels[i - 1])
      throw new RangeError(`nested series levels must decrease (each level removes strokes of the one above): ${levels.join(', ')}`);
  });
}

/**
 * Sketches `levels` (stroke counts, strictly decreasing, e.g. [32, 16, 8, 4]) as a nested
 * series: results in the same order, each level after the first with `origin` indexing the
 * strokes of the level before it. Progress events carry `level`. Cancelling stops after the
 * level that was running: the levels done so far come back (the last one marked cancelled,
 * unless the abort came while a level was still removing strokes: that level is left out).
 */
export async function sketchNestedSeries(
  image: RgbaImage,
  levels: readonly number[],
  options: SketchOptions = {},
  runtime: SketchRuntime = {},
): Promise<SketchResult[]> {
  checkNestedLevels(levels);
  for (const key of PER_LEVEL)
    if (options[key] !== undefined) throw new TypeError(`option '${key}' is set per level by a nested series: leave it out`);
  const { iterations } = resolveOptions(options);
  const brief = Math.ceil(iterations * NESTED_ITERATION_FRACTION);
  const results: SketchResult[] = [];
  for (const [index, strokes] of levels.entries()) {
    if (index > 0 && runtime.signal?.aborted) break;
    const above = results[index - 1];
    const level = { index, count: levels.length, strokes };
    const levelOptions: SketchOptions = above
      ? { ...options, iterations: brief, initial: { points: above.points }, remove: above.strokes - strokes }
      : { ...options, strokes };
    let result: SketchResult;
    try {
      result = await sketchify(image, levelOptions, {
        ...runtime,
        onProgress: runtime.onProgress && ((event) => runtime.onProgress!({ ...event, level })),
      });
    } catch (error) {
      // Aborted while a smaller level was still removing strokes (before it could return a best so far): keep the levels done.
      if (index > 0 && runtime.signal?.aborted) break;
      throw error;
    }
    results.push(result);
    if (result.cancelled) break;
  }
  return results;
}
