// One optimization iteration entirely on one GPUDevice (docs/design.md: "Data flow", "Cost model", "Platform facts"):
//   rasterize   each seed's strokes into its V views (one WebGPU rasterizer per seed), copied
//               into one batch buffer [S*V, 1, size, size] (seeds batched as one batch)
//   model       GpuLossSession.run on that buffer, targets gathered from the GPU pool
//   backward    each seed's slice of grad_views -> its rasterizer's backward -> dL/dpoints
//   optimizer   the Adam kernel updates each seed's points buffer in place, with the clamp
// Nothing is read back inside an iteration: the loss is copied into a ring buffer on the
// GPU and read (with the points) only when the caller asks, e.g. every few iterations.
// Seeds are separate scenes (one rasterizer each) because a stroke must only ink its own
// seed's images; putting all seeds' strokes into one scene would mix them.
//
// Usage (browser, where
// onnxruntime-web's webgpu EP runs; it does not in Node with the npm `webgpu` package):
//
//   import * as ort from 'onnxruntime-web/webgpu';          // not the default build (§7)
//   const session = await GpuLossSession.create({ ort, device, id, architecture, size: 224, batch: seeds * views });
//   session.setWeights(weights);
//   session.setTargetPool(gatherTargets(pool, allIndices));  // target features uploaded once
//   const gpu = await createGpuPipeline({ device, session, seeds, strokes, width, lr });
//   seedsPoints.forEach((p, s) => gpu.setPoints(s, p));
//   for (...) await gpu.iterate(gatherViews(pool, indices), indices, false, lrAt(it));
//   every k iterations: await gpu.readLosses(); await gpu.readPoints();  // the only readbacks
//
// Every seed sees the same views (indices), as in sketch.ts; the session's batch is
// seeds x views and its loss is the mean over that whole batch, as in sketch.ts.
import type { GpuLoss } from '../models/types.ts';
import { createWebGpuRasterizer, type WebGpuRasterizer } from '../raster/webgpu.ts';
import { IDENTITY_VIEW } from '../raster/types.ts';
import { createGpuAdam, type GpuAdam } from './adam-gpu.ts';
import type { ClampBox } from './clamp.ts';

const CLEAN_VIEW = Float32Array.from(IDENTITY_VIEW);

export interface GpuPipelineOptions {
  device: GPUDevice;
  /** Its batch must be seeds x views per seed. */
  session: GpuLoss;
  seeds: number;
  strokes: number;
  /** Full stroke width in canvas pixels. */
  width: number;
  lr: number;
  /** Losses kept on the GPU between readbacks (default 64). */
  lossRing?: number;
  /** Where the Adam kernel keeps points (default: the canvas box). */
  box?: ClampBox;
  /** One flag per stroke: frozen strokes are rendered but the Adam kernel never moves them. */
  frozen?: Uint8Array;
}

export interface IterationTimings {
  rasterizeMs: number;
  modelMs: number;
  backwardMs: number;
  optimizerMs: number;
}

export interface GpuPipeline {
  readonly iterations: number;
  readonly viewsPerSeed: number;
  /** Uploads seed s's points (strokes x 8, canvas px) and restarts its Adam. */
  setPoints(seed: number, points: Float32Array): void;
  /**
   * One iteration: `views` are the V projective maps (V x 9) shared by every seed, `targets`
   * the V pool indices of their targets. With `timed`, waits for the GPU after each phase
   * and returns the phase times (for benchmarks; the waits cost time themselves). `lr`
   * overrides the options' learning rate for this step (schedules).
   */
  iterate(views: Float32Array, targets: readonly number[], timed?: boolean, lr?: number): Promise<IterationTimings | null>;
  /** Losses of the iterations since the last call (at most lossRing of them): one readback. */
  readLosses(): Promise<number[]>;
  readPoints(): Promise<Float32Array[]>;
  /**
   * Clean-view loss of each seed's current strokes through `session` (batch 1, whose target
   * pool holds the clean target at index 0): rasterized, scored and read back on this device.
   */
  evaluate(session: GpuLoss): Promise<number[]>;
  /** Waits until the GPU has finished every submitted iteration. */
  sync(): Promise<void>;
  /** Whether the device has shader-f16 (then the loss session computes in float16 by default). */
  readonly shaderF16: boolean;
  dispose(): void;
}

export async function createGpuPipeline({
  device,
  session,
  seeds,
  strokes,
  width,
  lr,
  lossRing = 64,
  box,
  frozen,
}: GpuPipelineOptions): Promise<GpuPipeline> {
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`seeds must be a positive integer, got ${seeds}`);
  if (!Number.isInteger(strokes) || strokes < 1) throw new Error(`strokes must be a positive integer, got ${strokes}`);
  if (session.batch % seeds !== 0) throw new Error(`the loss session's batch ${session.batch} is not a multiple of seeds ${seeds}`);
  const V = session.batch / seeds;
  const size = session.size;
  const plane = size * size;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buffer = (label: string, bytes: number, u = usage) =>
    device.createBuffer({ label: `Pipeline.${label}`, size: Math.ceil(bytes / 16) * 16, usage: u });

  const rasterizers: WebGpuRasterizer[] = [];
  for (let s = 0; s < seeds; s++) rasterizers.push(await createWebGpuRasterizer(device));
  const points = rasterizers.map((_, s) => buffer(`points${s}`, strokes * 32));
  const gradSeed = rasterizers.map((_, s) => buffer(`gradViews${s}`, V * plane * 4));
  const adams: GpuAdam[] = rasterizers.map(() => createGpuAdam(device, { count: strokes * 8, lr, size, box, frozen }));
  const batchViews = buffer('views', seeds * V * plane * 4);
  const losses = buffer('losses', lossRing * 4);
  const evalLosses = buffer('evalLosses', seeds * 4);
  let evalRasterizer: WebGpuRasterizer | null = null;
  let iterations = 0;
  let readFrom = 0; // first iteration whose loss has not been read
  let disposed = false;

  const sync = () => device.queue.onSubmittedWorkDone();
  const alive = () => {
    if (disposed) throw new Error('GPU pipeline used after dispose()');
  };

  return {
    get iterations() {
      return iterations;
    },
    viewsPerSeed: V,
    shaderF16: device.features.has('shader-f16'),
    setPoints(seed, data) {
      alive();
      if (!(seed >= 0 && seed < seeds)) throw new Error(`seed ${seed} outside [0, ${seeds})`);
      if (data.length !== strokes * 8) throw new Error(`setPoints: expected ${strokes} x 8 = ${strokes * 8} values, got ${data.length}`);
      device.queue.writeBuffer(points[seed], 0, data as Float32Array<ArrayBuffer>);
      adams[seed].reset();
    },
    async iterate(views, targets, timed = false, stepLr = lr) {
      alive();
      if (views.length !== V * 9) throw new Error(`iterate: expected ${V} view maps (${V * 9} values), got ${views.length}`);
      if (targets.length !== V) throw new Error(`iterate: expected ${V} target indices, got ${targets.length}`);
      let t = performance.now();
      const lap = async (): Promise<number> => {
        await sync();
        const now = performance.now();
        const ms = now - t;
        t = now;
        return ms;
      };
      // Rasterize each seed, gather the images and the targets into the batch.
      const images = rasterizers.map((r, s) => r.forwardToBuffer({ points: points[s], strokes, views, size, width }));
      let enc = device.createCommandEncoder({ label: 'Pipeline.gather' });
      images.forEach((img, s) => enc.copyBufferToBuffer(img, 0, batchViews, s * V * plane * 4, V * plane * 4));
      session.selectTargets(enc, Array.from({ length: seeds }, () => targets).flat());
      device.queue.submit([enc.finish()]);
      const rasterizeMs = timed ? await lap() : 0;

      const out = await session.run(batchViews);
      const modelMs = timed ? await lap() : 0;

      // Scatter the gradient to the seeds and keep the loss on the GPU.
      enc = device.createCommandEncoder({ label: 'Pipeline.scatter' });
      gradSeed.forEach((g, s) => enc.copyBufferToBuffer(out.gradViews, s * V * plane * 4, g, 0, V * plane * 4));
      enc.copyBufferToBuffer(out.loss, 0, losses, (iterations % lossRing) * 4, 4);
      device.queue.submit([enc.finish()]);
      out.release(); // queue order: ORT reuses these buffers only in later submissions
      const grads = rasterizers.map((r, s) => r.backwardFromBuffer(gradSeed[s]));
      const backwardMs = timed ? await lap() : 0;

      enc = device.createCommandEncoder({ label: 'Pipeline.adam' });
      adams.forEach((a, s) => {
        // One Adam per seed, each with its own uniform: several steps may share this encoder.
        a.step(enc, points[s], grads[s], stepLr);
      });
      device.queue.submit([enc.finish()]);
      const optimizerMs = timed ? await lap() : 0;
      iterations++;
      return timed ? { rasterizeMs, modelMs, backwardMs, optimizerMs } : null;
    },
    async readLosses() {
      alive();
      const first = Math.max(readFrom, iterations - lossRing);
      const count = iterations - first;
      readFrom = iterations;
      if (count === 0) return [];
      const all = await rasterizers[0].readBuffer(losses, lossRing);
      return Array.from({ length: count }, (_, k) => all[(first + k) % lossRing]);
    },
    async readPoints() {
      alive();
      return Promise.all(points.map((p) => rasterizers[0].readBuffer(p, strokes * 8)));
    },
    async evaluate(evalSession) {
      alive();
      if (evalSession.batch !== 1 || evalSession.size !== size)
        throw new Error(`evaluate: needs a batch-1 session of size ${size}, got batch ${evalSession.batch} size ${evalSession.size}`);
      evalRasterizer ??= await createWebGpuRasterizer(device);
      for (let s = 0; s < seeds; s++) {
        const image = evalRasterizer.forwardToBuffer({ points: points[s], strokes, views: CLEAN_VIEW, size, width });
        let enc = device.createCommandEncoder({ label: 'Pipeline.evalTargets' });
        evalSession.selectTargets(enc, [0]);
        device.queue.submit([enc.finish()]);
        const out = await evalSession.run(image);
        enc = device.createCommandEncoder({ label: 'Pipeline.evalLoss' });
        enc.copyBufferToBuffer(out.loss, 0, evalLosses, s * 4, 4);
        device.queue.submit([enc.finish()]);
        out.release();
      }
      return Array.from(await evalRasterizer.readBuffer(evalLosses, seeds));
    },
    sync,
    dispose() {
      if (disposed) return;
      disposed = true;
      evalRasterizer?.dispose();
      evalLosses.destroy();
      for (const r of rasterizers) r.dispose();
      for (const a of adams) a.dispose();
      for (const b of [...points, ...gradSeed, batchViews, losses]) b.destroy();
    },
  };
}
