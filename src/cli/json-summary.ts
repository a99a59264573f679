// The --json line's fields for one sketch (snake_case, stable names for scripts).
import type { SketchResult } from '../engine/index.ts';

/** Wall-clock times of one image, ms from its start (before the file is read). */
export interface CliTimings {
  modelLoadMs: number;
  firstPreviewMs: number;
  totalMs: number;
}

/**
 * `seed` is the seed the user asked for (--seed, default 0), the one to pass again for the same
 * sketch; `winning_seed` is the internal seed of the initialization that won (seed + k of
 * --seeds N).
 */
export function sketchSummary(result: SketchResult, askedSeed: number, times?: CliTimings): Record<string, unknown> {
  return {
    strokes: result.strokes,
    iterations: result.iterations,
    loss_initial: result.lossInitial,
    loss_final: result.lossFinal,
    // ms_total: the whole image (read + decode + model load + sketch + writing), not only sketchify.
    ms_total: Math.round(times?.totalMs ?? result.timings.totalMs),
    ms_model_load: Math.round(times?.modelLoadMs ?? result.timings.modelMs),
    ms_first_preview: Math.round(times?.firstPreviewMs ?? result.timings.firstPreviewMs),
    backend: result.backend,
    backend_reason: result.backendReason,
    model: result.model,
    subject: result.subject.source,
    subject_note: result.subject.note,
    busy_background: result.subject.busy,
    seed: askedSeed,
    winning_seed: result.seed,
    cancelled: result.cancelled,
    stopped_early: result.stoppedEarly,
    // With --init or in a nested series: per stroke, the stroke of the input (or level above) it continues; -1 = added.
    ...(result.origin ? { origin: result.origin } : {}),
  };
}
