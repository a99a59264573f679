// The seam between the schedule (loop.ts: views, learning rate, evaluation, keep-best, early
// stop, progress) and where an iteration runs. Two steppers:
//   cpu        optimize/cpu-pipeline.ts: the model's own lossAndGradient, CPU Adam; its rasterizers
//              are CPU ones (CPU path) or WebGPU ones (rasterizer-only WebGPU path).
//   one-device optimize/gpu-pipeline.ts: raster -> GPU loss session -> raster backward -> Adam kernel,
//              nothing read back except when the loop asks (sync points).
import { gatherTargets, type TargetPool } from '../augment/targets.ts';
import { createCpuPipeline, type CpuPipeline } from './cpu-pipeline.ts';
import { createGpuPipeline } from './gpu-pipeline.ts';
import type { GpuLoss, LossModel, LossWeights } from '../models/types.ts';
import type { Rasterizer } from '../raster/types.ts';
import type { ClampBox } from './clamp.ts';

export type StepperKind = 'cpu' | 'webgpu-rasterizer' | 'webgpu-one-device';

export interface Stepper {
  readonly kind: StepperKind;
  /** One iteration for every seed: views (V x 9) and their pool indices (V), learning rate. */
  step(views: Float32Array, indices: readonly number[], lr: number): Promise<void>;
  /** Training losses of the iterations since the last call (a readback on the GPU). */
  readLosses(): Promise<number[]>;
  /** Current points of every seed (a readback on the GPU). */
  readPoints(): Promise<Float32Array[]>;
  /** Clean-view loss of each seed's current strokes, where the stepper has its own (on the GPU). */
  evaluate?(): Promise<number[]>;
  /** Whether reading is free (points live on the CPU): the loop then syncs every iteration. */
  readonly cheapReads: boolean;
  dispose(): Promise<void>;
}

export interface StepperSetup {
  model: LossModel;
  targets: TargetPool;
  weights: LossWeights;
  strokes: number;
  width: number;
  lr: number;
  /** Where control points may go (clamp.ts contentBox), on every stepper alike. */
  box?: ClampBox;
  /** One flag per stroke: strokes that are rendered but never move, on every stepper alike. */
  frozen?: Uint8Array;
}

export interface CpuStepper extends Stepper {
  readonly pipeline: CpuPipeline;
  /** Goes on with `next` rasterizers, keeping points and Adam state (the caller owns both sets). */
  swapRasterizers(next: Rasterizer[]): void;
}

export function cpuStepper(setup: StepperSetup, rasterizers: Rasterizer[], points: Float32Array[]): CpuStepper {
  const pipeline = createCpuPipeline({ ...setup, pool: setup.targets, rasterizers });
  points.forEach((p, s) => pipeline.setPoints(s, p));
  let read = 0;
  let current = rasterizers;
  return {
    pipeline,
    get kind(): StepperKind {
      return current[0].backend === 'webgpu' ? 'webgpu-rasterizer' : 'cpu';
    },
    cheapReads: true,
    async step(views, indices, lr) {
      await pipeline.iterate(views, indices, lr);
    },
    async readLosses() {
      const out = pipeline.losses.slice(read);
      read = pipeline.losses.length;
      return out;
    },
    async readPoints() {
      return pipeline.points.map((p) => p.slice());
    },
    swapRasterizers(next) {
      pipeline.setRasterizers(next);
      current = next;
    },
    async dispose() {}, // the rasterizers are the caller's
  };
}

export interface OneDeviceSetup extends StepperSetup {
  device: GPUDevice;
  session: GpuLoss;
  /** Batch 1, for the clean-view evaluation on the device (optional: else the loop uses the model). */
  evalSession?: GpuLoss;
  /** Iterations between two sync points at most (the GPU keeps that many losses). */
  maxUnread: number;
}

export async function oneDeviceStepper(setup: OneDeviceSetup, points: Float32Array[]): Promise<Stepper> {
  const { device, session, targets, weights } = setup;
  session.setWeights(weights);
  session.setTargetPool(
    gatherTargets(
      targets,
      Array.from({ length: targets.views.length / 9 }, (_, i) => i),
    ),
  );
  const gpu = await createGpuPipeline({
    device,
    session,
    seeds: points.length,
    strokes: setup.strokes,
    width: setup.width,
    lr: setup.lr,
    box: setup.box,
    frozen: setup.frozen,
    lossRing: Math.max(64, setup.maxUnread),
  });
  points.forEach((p, s) => gpu.setPoints(s, p));
  const { evalSession } = setup;
  if (evalSession) {
    evalSession.setWeights(weights);
    evalSession.setTargetPool(gatherTargets(targets, [0]));
  }
  return {
    kind: 'webgpu-one-device',
    cheapReads: false,
    async step(views, indices, lr) {
      await gpu.iterate(views, indices, false, lr);
    },
    readLosses: () => gpu.readLosses(),
    readPoints: () => gpu.readPoints(),
    ...(evalSession ? { evaluate: () => gpu.evaluate(evalSession) } : {}),
    async dispose() {
      gpu.dispose();
      await session.dispose();
      await evalSession?.dispose();
    },
  };
}

/**
 * The CPU stepper that takes over after the GPU device was lost, from `points` (the last
 * sync point). The rasterizer-only stepper keeps its Adam state (it lives on the CPU); the
 * one-device stepper's moments were on the lost device, so Adam restarts.
 */
export async function cpuFallback(
  old: Stepper,
  setup: StepperSetup,
  points: Float32Array[],
  cpuRasterizers: Rasterizer[],
): Promise<{ stepper: Stepper; adamRestarted: boolean }> {
  if ('swapRasterizers' in old) {
    (old as CpuStepper).swapRasterizers(cpuRasterizers);
    return { stepper: old, adamRestarted: false };
  }
  await old.dispose().catch(() => undefined); // the device is gone: releasing may fail
  return { stepper: cpuStepper(setup, cpuRasterizers, points), adamRestarted: true };
}
