// The CPU path's iteration (rasterize each seed, one batched lossAndGradient over all seeds'
// views, backward per seed, Adam, clamp), with the same interface and phase timings as the
// GPU pipeline: the iteration sketchify runs on the CPU path and with the WebGPU rasterizer
// alone (optimize/steppers.ts), the reference the GPU pipeline is tested against, and the
// CPU rows of bench/pipeline.ts.
import { gatherTargets, type TargetPool } from '../augment/targets.ts';
import type { LossModel, LossWeights } from '../models/types.ts';
import { Adam } from './adam-cpu.ts';
import type { Rasterizer } from '../raster/types.ts';
import { canvasBox, clampPoints, type ClampBox } from './clamp.ts';
import type { IterationTimings } from './gpu-pipeline.ts';

export interface CpuPipelineOptions {
  model: LossModel;
  /** One per seed (CPU rasterizers on the CPU path). */
  rasterizers: Rasterizer[];
  pool: TargetPool;
  weights: LossWeights;
  strokes: number;
  width: number;
  lr: number;
  /** Where points are clamped after each step (default: the canvas box). */
  box?: ClampBox;
  /** One flag per stroke: frozen strokes are rendered but never move (zero gradient, no clamp). */
  frozen?: Uint8Array;
}

export interface CpuPipeline {
  readonly points: Float32Array[];
  /** Every iteration's loss. */
  readonly losses: number[];
  setPoints(seed: number, points: Float32Array): void;
  /**
   * Swaps the rasterizers (same count) keeping points and Adam state: the WebGPU rasterizer's
   * device was lost and the run goes on with CPU ones.
   */
  setRasterizers(rasterizers: Rasterizer[]): void;
  /** Same contract as GpuPipeline.iterate; timings are always measured (no GPU to wait for). */
  iterate(views: Float32Array, targets: readonly number[], lr?: number): Promise<IterationTimings>;
}

export function createCpuPipeline({
  model,
  rasterizers: initialRasterizers,
  pool,
  weights,
  strokes,
  width,
  lr,
  box,
  frozen,
}: CpuPipelineOptions): CpuPipeline {
  if (frozen && frozen.length !== strokes) throw new Error(`frozen: expected one flag per stroke (${strokes}), got ${frozen.length}`);
  let rasterizers = initialRasterizers;
  const size = model.size;
  const clampBox = box ?? canvasBox(size);
  const plane = size * size;
  const points = rasterizers.map(() => new Float32Array(strokes * 8));
  const adams = rasterizers.map(() => new Adam(strokes * 8, { lr }));
  const losses: number[] = [];
  return {
    points,
    losses,
    setPoints(seed, data) {
      if (data.length !== strokes * 8) throw new Error(`setPoints: expected ${strokes * 8} values, got ${data.length}`);
      points[seed].set(data);
      adams[seed] = new Adam(strokes * 8, { lr });
    },
    setRasterizers(next) {
      if (next.length !== rasterizers.length) throw new Error(`setRasterizers: expected ${rasterizers.length}, got ${next.length}`);
      rasterizers = next;
    },
    async iterate(views, targets, stepLr = lr) {
      const V = targets.length;
      if (views.length !== V * 9) throw new Error(`iterate: expected ${V} view maps, got ${views.length / 9}`);
      let t = performance.now();
      const lap = (): number => {
        const now = performance.now();
        const ms = now - t;
        t = now;
        return ms;
      };
      const images = new Float32Array(rasterizers.length * V * plane);
      for (let s = 0; s < rasterizers.length; s++) {
        images.set(await rasterizers[s].forward({ points: points[s], views, size, width }), s * V * plane);
      }
      const rasterizeMs = lap();
      const result = await model.lossAndGradient(
        images,
        gatherTargets(
          pool,
          rasterizers.flatMap(() => targets),
        ),
        weights,
      );
      losses.push(result.loss);
      const modelMs = lap();
      const grads: Float32Array[] = [];
      for (let s = 0; s < rasterizers.length; s++)
        grads.push(await rasterizers[s].backward(result.grad.subarray(s * V * plane, (s + 1) * V * plane)));
      const backwardMs = lap();
      grads.forEach((g, s) => {
        // A zero gradient from zero moments is an update of exactly 0: frozen points stay bitwise.
        if (frozen) for (let i = 0; i < g.length; i++) if (frozen[i >> 3]) g[i] = 0;
        adams[s].step(points[s], g, stepLr);
        clampPoints(points[s], clampBox, frozen);
      });
      return { rasterizeMs, modelMs, backwardMs, optimizerMs: lap() };
    },
  };
}
