// Learning-rate schedules. CLIPasso keeps lr 1 constant for 2000 iterations; for short runs a
// higher start decaying along a cosine to a tenth gets further in the same iterations
// (measurements in options.ts beside the presets).

export type LrSchedule = 'constant' | 'cosine';

/** Floor of the cosine schedule as a fraction of the peak. */
export const COSINE_FLOOR = 0.1;

/** The learning rate of step t (1-based) of `total`. */
export function learningRate(schedule: LrSchedule, peak: number, t: number, total: number): number {
  if (schedule === 'constant' || total <= 1) return peak;
  const progress = Math.min(1, Math.max(0, (t - 1) / (total - 1)));
  return peak * (COSINE_FLOOR + (1 - COSINE_FLOOR) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
