// "Run on this backend; when the GPU device is lost, continue on the CPU from the last strokes",
// in one place. sketchify asks it for the stepper and for the initial scores; the loop
// (loop.ts) asks it to resume mid-run. It watches the device, builds the CPU rasterizers and
// stepper that take over, owns every rasterizer it made, and reports the switch once
// (onFallback) however and whenever it happened.
import { createCpuRasterizer } from '../raster/cpu.ts';
import type { Rasterizer } from '../raster/types.ts';
import type { BackendFallback } from '../result.ts';
import type { LossModel } from '../models/types.ts';
import { startOneDevice } from './one-device.ts';
import { cpuFallback, cpuStepper, type Stepper, type StepperSetup } from './steppers.ts';

export interface BackendStart {
  backend: 'cpu' | 'webgpu';
  rasterizers: Rasterizer[];
  device?: GPUDevice;
  /** false keeps the model on its own runtime even when it offers a GPU loss session. */
  oneDevice?: boolean;
}

export class DeviceFallback {
  private lost: string | null = null;
  private readonly owned: Rasterizer[] = [];
  /** Rasterizers for the clean-view evaluation, one per seed (CPU ones after a switch). */
  rasterizers: Rasterizer[];
  /** The switch, once it happened (at iteration 0 when the device was lost before the loop). */
  fallback: BackendFallback | undefined;

  constructor(
    private readonly start: BackendStart,
    private readonly onFallback?: (fallback: BackendFallback) => void,
  ) {
    this.rasterizers = start.rasterizers;
    this.owned.push(...start.rasterizers);
    start.device?.lost?.then((info) => (this.lost = `GPU device lost (${info.reason}${info.message ? `: ${info.message}` : ''})`));
  }

  /** The reason the device was lost, once it is. */
  readonly deviceLost = (): string | null => this.lost;

  /** Whether the device turns out lost: a lost device fails the work in flight before its `lost` promise settles. */
  async lostSoon(): Promise<boolean> {
    for (let i = 0; i < 20 && !this.lost; i++) await new Promise((r) => setTimeout(r, 25));
    return this.lost !== null;
  }

  /** Runs `work` with the current rasterizers; if the device was lost under it, once more on the CPU. */
  async beforeLoop<T>(work: (rasterizers: Rasterizer[]) => Promise<T>): Promise<T> {
    try {
      return await work(this.rasterizers);
    } catch (error) {
      if (this.start.backend !== 'webgpu' || !(await this.lostSoon())) throw error;
      this.toCpuBeforeLoop('webgpu-rasterizer', error);
      return work(this.rasterizers);
    }
  }

  /**
   * The stepper for the loop, and what to add to the backend's reason: the one-device loop
   * where the model offers a GPU loss session, the model on its own runtime otherwise, the CPU
   * when the device is (or gets) lost before the loop.
   */
  async stepper(
    model: LossModel,
    setup: StepperSetup,
    batch: number,
    maxUnread: number,
    points: Float32Array[],
    initLosses: number[],
  ): Promise<{ stepper: Stepper; note: string }> {
    const notes: string[] = [];
    let stepper: Stepper | null = null;
    const { device } = this.start;
    if (this.start.backend === 'webgpu' && device && !this.fallback) {
      if (this.start.oneDevice === false) notes.push(`model '${model.id}' on its own runtime (oneDevice: false)`);
      else if (!model.createGpuLossSession) notes.push(`model '${model.id}' has no GPU loss session: it runs on its own runtime`);
      else {
        try {
          const started = await startOneDevice(model, { ...setup, device, maxUnread }, batch, points, initLosses);
          stepper = started.stepper;
          notes.push(started.note);
        } catch (error) {
          notes.push(`the GPU loss session failed (${(error as Error).message}): model on its own runtime`);
        }
      }
    }
    if (!stepper && !this.fallback && this.start.backend === 'webgpu' && this.lost) this.toCpuBeforeLoop('webgpu-rasterizer');
    if (stepper && this.lost) {
      await stepper.dispose().catch(() => undefined);
      stepper = null;
      this.toCpuBeforeLoop('webgpu-one-device');
    }
    stepper ??= cpuStepper(setup, this.rasterizers, points);
    return { stepper, note: notes.map((n) => `; ${n}`).join('') };
  }

  /**
   * Mid-run: the CPU stepper that continues from `points` (the last sync point), with CPU
   * rasterizers for the evaluation. `at`: the iteration that failed and the one it resumes from.
   */
  async resume(
    old: Stepper,
    setup: StepperSetup,
    points: Float32Array[],
    at: { failedAt: number; resumedFrom: number },
    reason: string,
  ): Promise<Stepper> {
    const from = old.kind; // before the swap: a rasterizer-only stepper reports 'cpu' after it
    const cpu = this.cpuRasterizers(points.length);
    const next = await cpuFallback(old, setup, points, cpu);
    this.rasterizers = cpu;
    this.report({ iteration: at.failedAt, resumedFrom: at.resumedFrom, from, reason, adamRestarted: next.adamRestarted });
    return next.stepper;
  }

  dispose(): void {
    for (const r of this.owned) r.dispose();
  }

  private toCpuBeforeLoop(from: BackendFallback['from'], error?: unknown): void {
    this.rasterizers = this.cpuRasterizers(this.rasterizers.length);
    const detail = error ? ` (${(error as Error).message})` : '';
    this.report({ iteration: 0, resumedFrom: 0, from, reason: `${this.lost}${detail}`, adamRestarted: false });
  }

  private cpuRasterizers(count: number): Rasterizer[] {
    const cpu = Array.from({ length: count }, () => createCpuRasterizer());
    this.owned.push(...cpu);
    return cpu;
  }

  private report(fallback: BackendFallback): void {
    this.fallback = fallback;
    this.onFallback?.(fallback);
  }
}
