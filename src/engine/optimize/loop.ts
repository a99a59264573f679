// The optimization schedule, one implementation for every stepper (steppers.ts): the views of
// each iteration, the learning-rate schedule, sync points (the only readbacks on the GPU: the
// throttled progress, the clean-view evaluation every evalEvery iterations), keep-best, early
// stop, cancel, and the switch to the CPU when the GPU device is lost mid-run (fallback.ts
// builds what takes over).
import { gatherViews, type TargetPool } from '../augment/targets.ts';
import { cleanTerms, type StrokeStyle } from '../loss/evaluate.ts';
import type { LossModel, LossWeights, TargetFeatures } from '../models/types.ts';
import { learningRate } from './schedule.ts';
import { PLATEAU_TOLERANCE, type ResolvedOptions } from '../options.ts';
import { createRandom, type Random } from '../random.ts';
import type { SketchProgress } from '../result.ts';
import type { DeviceFallback } from './fallback.ts';
import type { Stepper, StepperSetup } from './steppers.ts';

export interface SeedState {
  seed: number;
  /** Points at the last sync point. */
  points: Float32Array;
  best: Float32Array;
  bestLoss: number;
  initLoss: number;
  /** Best loss after each evaluation (for the plateau test). */
  bestTrail: number[];
  evals: { iteration: number; loss: number }[];
}

export interface LoopInput {
  opts: ResolvedOptions;
  model: LossModel;
  seeds: SeedState[];
  targets: TargetPool;
  clean: TargetFeatures;
  weights: LossWeights;
  style: StrokeStyle;
  stepper: Stepper;
  /** The device watch and the CPU that takes over; its rasterizers serve the clean-view evaluation. */
  guard: DeviceFallback;
  /** What a CPU stepper taking over is built from. */
  setup: StepperSetup;
  signal?: AbortSignal;
  onProgress?: (event: SketchProgress) => void;
  progressIntervalMs: number;
  /** performance.now() at the call, and when the loop starts. */
  start: number;
  loopStart: number;
  report: (points: Float32Array) => Pick<SketchProgress, 'points' | 'unitPoints'>;
}

export interface LoopOutcome {
  iterations: number;
  lossHistory: number[];
  cancelled: boolean;
  stoppedEarly: boolean;
  /** The stepper that finished the run (the caller disposes it). */
  stepper: Stepper;
}

/** `count` distinct pool indices (1-based: 0 is the clean view). */
function pickViews(random: Random, poolSize: number, count: number): number[] {
  const all = Array.from({ length: poolSize }, (_, i) => i + 1);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (poolSize - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, count);
}

function plateaued(trail: number[], patience: number): boolean {
  if (trail.length <= patience) return false;
  const before = trail[trail.length - 1 - patience];
  return trail[trail.length - 1] > before - PLATEAU_TOLERANCE * Math.abs(before);
}

/** Resolves after the event loop has had a turn (a macrotask), so queued messages are handled. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export async function optimize(input: LoopInput): Promise<LoopOutcome> {
  const { opts, model, seeds, targets, clean, weights, style, signal, report, guard } = input;
  let { stepper } = input;
  const now = (): number => performance.now();
  const lossHistory: number[] = [];
  const viewRandom = createRandom(opts.seed ^ 0x27d4eb2f);
  let iterations = 0,
    synced = 0,
    cancelled = false,
    stoppedEarly = false,
    lastEmit = -Infinity;
  const leader = (): SeedState => seeds.reduce((a, b) => (b.bestLoss < a.bestLoss ? b : a));

  // A sync point: the losses since the last one and every seed's points (readbacks on the GPU).
  const sync = async (it: number): Promise<void> => {
    if (synced === it) return;
    const losses = await stepper.readLosses();
    const points = await stepper.readPoints();
    lossHistory.push(...losses);
    points.forEach((p, s) => (seeds[s].points = p));
    synced = it;
  };
  const evaluate = async (it: number): Promise<void> => {
    // All losses first, so a device lost midway leaves no partial evaluation.
    let losses: number[] = [];
    if (stepper.evaluate) losses = await stepper.evaluate();
    else
      for (let s = 0; s < seeds.length; s++)
        losses.push((await cleanTerms(model, guard.rasterizers[s], seeds[s].points, clean, weights, style)).loss);
    for (let s = 0; s < seeds.length; s++) {
      const st = seeds[s];
      const loss = losses[s];
      st.evals.push({ iteration: it, loss });
      if (loss < st.bestLoss) {
        st.bestLoss = loss;
        st.best = st.points.slice();
      }
      st.bestTrail.push(st.bestLoss);
    }
    if (opts.earlyStop && seeds.every((st) => plateaued(st.bestTrail, opts.patience))) stoppedEarly = it < opts.iterations;
  };
  // The device is gone: continue on the CPU from the last sync point (its iterations are redone).
  const switchToCpu = async (reason: string, failedAt: number): Promise<number> => {
    const resumedFrom = synced;
    lossHistory.length = resumedFrom;
    stepper = await guard.resume(
      stepper,
      input.setup,
      seeds.map((st) => st.points),
      { failedAt, resumedFrom },
      reason,
    );
    await stepper.readLosses(); // drops a loss the failed iteration may have recorded
    return resumedFrom;
  };
  const lostReason = async (error: unknown): Promise<string | null> => {
    if (stepper.kind === 'cpu' || !(await guard.lostSoon())) return null;
    return `${guard.deviceLost()} (${(error as Error)?.message ?? error})`;
  };

  for (let it = 1; it <= opts.iterations; it++) {
    // Let other tasks run between iterations: in the UI worker the abort arrives as a message,
    // and a loop chained only on microtasks (wasm sessions resolve that way) never sees it.
    await yieldToEventLoop();
    if (signal?.aborted) {
      cancelled = true;
      break;
    }
    const indices = [0, ...pickViews(viewRandom, opts.poolSize, opts.views)];
    const lr = learningRate(opts.lrSchedule, opts.lr, it, opts.iterations);
    const isEval = it % opts.evalEvery === 0 || it === opts.iterations;
    try {
      const lost = stepper.kind !== 'cpu' ? guard.deviceLost() : null;
      if (lost) throw Object.assign(new Error('device lost'), { lost });
      await stepper.step(gatherViews(targets, indices), indices, lr);
      iterations = it;
      const t = now();
      const emit = t - lastEmit >= input.progressIntervalMs || it === opts.iterations;
      if (stepper.cheapReads || isEval || emit) await sync(it);
      if (isEval) await evaluate(it);
      if (guard.deviceLost() && stepper.kind !== 'cpu') throw new Error('device lost');
      if (emit || stoppedEarly) {
        lastEmit = t;
        const lead = leader();
        const perIt = (t - input.loopStart) / it;
        input.onProgress?.({
          phase: 'optimize',
          iteration: it,
          iterations: opts.iterations,
          loss: lossHistory[lossHistory.length - 1] ?? NaN,
          bestLoss: lead.bestLoss,
          elapsedMs: t - input.start,
          etaMs: perIt * (opts.iterations - it),
          ...(guard.fallback ? { fallback: guard.fallback } : {}),
          ...report(lead.points),
        });
      }
    } catch (error) {
      const reason = await lostReason(error);
      if (!reason) throw error;
      it = await switchToCpu(reason, it); // the loop's it++ redoes the first unsynced iteration
      iterations = it;
      stoppedEarly = false;
      continue;
    }
    if (stoppedEarly) break;
  }
  try {
    await sync(iterations); // the training losses since the last sync point
  } catch (error) {
    if (!(await lostReason(error))) throw error;
  }
  return { iterations, lossHistory, cancelled, stoppedEarly, stepper };
}
