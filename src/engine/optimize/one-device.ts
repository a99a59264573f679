// Starting the one-device loop at the device's precision. A float16 loss session (shader-f16
// devices) is kept only when its clean-view losses of the initial strokes match the float32
// losses the run has already computed on the model's own runtime: a real CLIP checkpoint
// whose activations overflow float16 then falls back to float32 before the first iteration,
// instead of optimizing on infinities.
import type { Precision } from '../compiler/mixed-precision.ts';
import { defaultGpuPrecision } from '../models/gpu-loss-session.ts';
import type { GpuLoss, LossModel } from '../models/types.ts';
import { oneDeviceStepper, type OneDeviceSetup, type Stepper, type StepperSetup } from './steppers.ts';

/** Largest relative gap between float16 and float32 clean-view losses that keeps float16. */
export const HALF_LOSS_TOLERANCE = 0.05;

/** Why float16 losses cannot stand in for the float32 ones (null when they can). */
export function halfPrecisionProblem(half: readonly number[], full: readonly number[], tolerance = HALF_LOSS_TOLERANCE): string | null {
  if (half.length !== full.length) throw new Error(`halfPrecisionProblem: ${half.length} float16 losses for ${full.length} float32 ones`);
  for (let s = 0; s < half.length; s++) {
    if (!Number.isFinite(half[s])) return `the float16 loss of seed ${s} is ${half[s]} (overflow)`;
    const gap = Math.abs(half[s] - full[s]) / Math.max(Math.abs(full[s]), 1e-12);
    if (gap > tolerance) return `the float16 loss of seed ${s} is ${half[s].toPrecision(4)}, float32 says ${full[s].toPrecision(4)}`;
  }
  return null;
}

export interface OneDeviceStart {
  stepper: Stepper;
  /** For the run's backend reason: where the model runs and at which precision. */
  note: string;
}

/**
 * The one-device stepper for `model` on `device` at the device's default precision, checked
 * against `initLosses` (float32 clean-view losses of `initial`, one per seed) when that is
 * float16. `makeStepper` is the seam tests replace.
 */
export async function startOneDevice(
  model: LossModel,
  setup: StepperSetup & Pick<OneDeviceSetup, 'device' | 'maxUnread'>,
  batch: number,
  initial: Float32Array[],
  initLosses: readonly number[],
  makeStepper: (setup: OneDeviceSetup, points: Float32Array[]) => Promise<Stepper> = oneDeviceStepper,
): Promise<OneDeviceStart> {
  const create = model.createGpuLossSession?.bind(model);
  if (!create) throw new Error(`model '${model.id}' has no GPU loss session`);
  const build = async (precision?: Precision): Promise<{ stepper: Stepper; session: GpuLoss }> => {
    const session = await create(setup.device, batch, precision);
    const evalSession = await create(setup.device, 1, session.precision).catch(async (error) => {
      await session.dispose();
      throw error;
    });
    return { stepper: await makeStepper({ ...setup, session, evalSession }, initial), session };
  };
  const where = `the whole loop on one GPUDevice (model '${model.id}' on the webgpu EP`;
  let first: Awaited<ReturnType<typeof build>>;
  try {
    first = await build();
  } catch (error) {
    // A runtime without a float16 kernel the graph needs: float32 may still work.
    if (defaultGpuPrecision(setup.device) !== 'float16') throw error;
    const fallback = await build('float32');
    return { stepper: fallback.stepper, note: `${where}, float32: the float16 session failed: ${(error as Error).message})` };
  }
  if (first.session.precision !== 'float16' || !first.stepper.evaluate)
    return { stepper: first.stepper, note: `${where}, ${first.session.precision ?? 'float32'})` };
  const problem = halfPrecisionProblem(await first.stepper.evaluate(), initLosses);
  if (!problem) return { stepper: first.stepper, note: `${where}, float16)` };
  await first.stepper.dispose();
  const second = await build('float32');
  return { stepper: second.stepper, note: `${where}, float32: ${problem})` };
}
