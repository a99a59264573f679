// `npm run bench -- raster`: forward+backward of the rasterizers at 224x224.
// CPU binned vs naive all-pairs (ratio in the same run), and WebGPU in Node (Dawn on
// SwiftShader here: a CPU emulation, so those numbers are not GPU numbers).
import type { Emit } from './run.ts';
import { medianMs } from './util.ts';
import {
  createCpuRasterizer,
  type RasterScene,
  type Rasterizer,
  IDENTITY_VIEW,
  createWebGpuRasterizer,
  type WebGpuRasterizer,
} from '../src/engine/index.ts';
import { perspectiveView, randomStrokes, rng } from '../test/helpers/raster-scenes.ts';
import { getTestDevice } from '../test/helpers/webgpu-node.ts';

const SIZE = 224;

function scene(strokes: number, views: number): RasterScene {
  const maps = [IDENTITY_VIEW, ...Array.from({ length: views - 1 }, (_, v) => perspectiveView(SIZE, 100 + v, 0.5))];
  return { points: randomStrokes(strokes, SIZE, strokes), views: Float32Array.from(maps.flat()), size: SIZE, width: 3 };
}

async function time(raster: Rasterizer, s: RasterScene, runs: number): Promise<number> {
  const r = rng(1);
  const grad = Float32Array.from({ length: (s.views.length / 9) * SIZE * SIZE }, () => r() - 0.5);
  return medianMs(
    async () => {
      await raster.forward(s);
      await raster.backward(grad);
    },
    runs,
    4,
  );
}

/** The one-device pipeline: GPU buffers in and out, a single wait for the queue at the end. */
async function timeGpuBuffers(raster: WebGpuRasterizer, s: RasterScene, runs: number): Promise<number> {
  const r = rng(1);
  const pixels = (s.views.length / 9) * SIZE * SIZE;
  const grad = raster.device.createBuffer({
    label: 'bench.gradImages',
    size: pixels * 4,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  raster.device.queue.writeBuffer(
    grad,
    0,
    Float32Array.from({ length: pixels }, () => r() - 0.5),
  );
  const ms = await medianMs(async () => {
    raster.forwardToBuffer(s);
    raster.backwardFromBuffer(grad);
    await raster.device.queue.onSubmittedWorkDone();
  }, runs);
  grad.destroy();
  return ms;
}

async function nodeGpu(emit: Emit): Promise<{ raster: WebGpuRasterizer; device: string } | null> {
  try {
    const device = await getTestDevice();
    const info = device.adapterInfo;
    const name = info ? `${info.vendor} ${info.architecture} ${info.description}`.trim() : 'unknown adapter';
    return { raster: await createWebGpuRasterizer(device), device: `Node Dawn: ${name} (SwiftShader = CPU emulation, not GPU numbers)` };
  } catch (error) {
    emit({ case: 'webgpu unavailable', backend: 'webgpu', error: String(error) });
    return null;
  }
}

export async function run(emit: Emit): Promise<void> {
  const gpu = await nodeGpu(emit);
  await time(createCpuRasterizer(), scene(16, 5), 5); // JIT warm-up, so the first row is not penalized
  for (const strokes of [4, 16, 64]) {
    for (const views of [1, 5]) {
      const s = scene(strokes, views);
      const row = { strokes, views, size: SIZE, segments: 16 };
      const binned = await time(createCpuRasterizer(), s, 15);
      const naive = await time(createCpuRasterizer({ binning: false }), s, strokes >= 64 ? 3 : 7);
      emit({ case: `fwd+bwd N=${strokes} B=${views}`, backend: 'cpu-binned', ...row, median_ms: +binned.toFixed(2) });
      emit({
        case: `fwd+bwd N=${strokes} B=${views}`,
        backend: 'cpu-naive',
        ...row,
        median_ms: +naive.toFixed(2),
        naive_over_binned: +(naive / binned).toFixed(1),
      });
      if (gpu) {
        const readback = await time(gpu.raster, s, 5);
        emit({
          case: `fwd+bwd N=${strokes} B=${views}`,
          backend: 'webgpu',
          ...row,
          median_ms: +readback.toFixed(2),
          readback: true,
          device: gpu.device,
        });
        const buffers = await timeGpuBuffers(gpu.raster, s, 5);
        emit({
          case: `fwd+bwd N=${strokes} B=${views}`,
          backend: 'webgpu',
          ...row,
          median_ms: +buffers.toFixed(2),
          readback: false,
          device: gpu.device,
        });
      }
    }
  }
  gpu?.raster.dispose();
}
