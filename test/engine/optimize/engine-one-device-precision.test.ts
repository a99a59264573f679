// The one-device loop's precision choice (optimize/one-device.ts): float16 where the device
// has shader-f16, kept only when its clean-view losses of the initial strokes match the
// float32 ones; otherwise both sessions are rebuilt in float32 before the first iteration.
import { describe, expect, it } from 'vitest';
import type { GpuLoss, LossModel } from '../../../src/engine/models/types.ts';
import { halfPrecisionProblem, startOneDevice } from '../../../src/engine/optimize/one-device.ts';
import type { OneDeviceSetup, Stepper, StepperSetup } from '../../../src/engine/optimize/steppers.ts';

describe('halfPrecisionProblem', () => {
  it('accepts float16 losses within 5 % and names the seed that overflows or drifts', () => {
    expect(halfPrecisionProblem([1.02, 0.97], [1, 1])).toBeNull();
    expect(halfPrecisionProblem([1, Infinity], [1, 1])).toMatch(/seed 1 is Infinity \(overflow\)/);
    expect(halfPrecisionProblem([NaN], [1])).toMatch(/seed 0 is NaN/);
    expect(halfPrecisionProblem([1.2], [1])).toMatch(/seed 0 is 1\.200, float32 says 1\.000/);
    expect(() => halfPrecisionProblem([1], [1, 1])).toThrow(/1 float16 losses for 2 float32 ones/);
  });
});

/** A model whose GPU sessions report `precision` (the device's default: `deviceDefault`) and whose steppers evaluate to `losses[precision]`. */
function fakes(deviceDefault: 'float32' | 'float16', losses: Record<'float32' | 'float16', number[]>, failHalf = false) {
  const log: string[] = [];
  const model = {
    id: 'fake',
    async createGpuLossSession(_device: GPUDevice, batch: number, precision?: 'float32' | 'float16') {
      const p = precision ?? deviceDefault;
      log.push(`session B=${batch} ${p}`);
      if (failHalf && p === 'float16') throw new Error('Program Transpose requires f16');
      return { id: 'fake', batch, size: 8, precision: p, dispose: async () => void log.push(`dispose session ${p}`) } as unknown as GpuLoss;
    },
  } as unknown as LossModel;
  const makeStepper = async (setup: OneDeviceSetup): Promise<Stepper> => {
    const p = setup.session.precision!;
    expect(setup.evalSession?.precision).toBe(p);
    return {
      kind: 'webgpu-one-device',
      cheapReads: false,
      step: async () => undefined,
      readLosses: async () => [],
      readPoints: async () => [],
      evaluate: async () => losses[p],
      dispose: async () => void log.push(`dispose stepper ${p}`),
    };
  };
  return { model, makeStepper, log };
}

type Setup = StepperSetup & Pick<OneDeviceSetup, 'device' | 'maxUnread'>;
const deviceWith = (features: string[]): Setup =>
  ({ device: { features: new Set(features) } as unknown as GPUDevice, maxUnread: 5 }) as Setup;
const setup = deviceWith(['shader-f16']);

describe('startOneDevice', () => {
  it('keeps float16 when its losses match float32', async () => {
    const { model, makeStepper, log } = fakes('float16', { float16: [1.01, 2.02], float32: [1, 2] });
    const start = await startOneDevice(model, setup, 10, [], [1, 2], makeStepper);
    expect(start.note).toBe("the whole loop on one GPUDevice (model 'fake' on the webgpu EP, float16)");
    expect(log).toEqual(['session B=10 float16', 'session B=1 float16']);
  });

  it('rebuilds both sessions in float32 when float16 overflows', async () => {
    const { model, makeStepper, log } = fakes('float16', { float16: [Infinity, 2], float32: [1, 2] });
    const start = await startOneDevice(model, setup, 10, [], [1, 2], makeStepper);
    expect(await start.stepper.evaluate!()).toEqual([1, 2]);
    expect(start.note).toMatch(/webgpu EP, float32: the float16 loss of seed 0 is Infinity \(overflow\)\)$/);
    expect(log).toEqual([
      'session B=10 float16',
      'session B=1 float16',
      'dispose stepper float16',
      'session B=10 float32',
      'session B=1 float32',
    ]);
  });

  it('builds float32 sessions when the float16 session cannot be created', async () => {
    const { model, makeStepper, log } = fakes('float16', { float16: [1], float32: [1] }, true);
    const start = await startOneDevice(model, setup, 4, [], [1], makeStepper);
    expect(start.note).toMatch(/webgpu EP, float32: the float16 session failed: Program Transpose requires f16\)$/);
    expect(log).toEqual(['session B=4 float16', 'session B=4 float32', 'session B=1 float32']);
  });

  it('does not check a float32 device', async () => {
    const { model, makeStepper, log } = fakes('float32', { float16: [NaN], float32: [5] });
    const start = await startOneDevice(model, deviceWith([]), 4, [], [1], makeStepper);
    expect(start.note).toMatch(/webgpu EP, float32\)$/);
    expect(log).toEqual(['session B=4 float32', 'session B=1 float32']);
  });
});
