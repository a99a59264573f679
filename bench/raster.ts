// `npm run bench -- raster`: forward+backward of the rasterizers at 224x224.
// CPU binned vs naive all-pairs (ratio in the same run), and WebGPU in Node (Dawn on
// SwiftShader here: a CPU emulation, so those numbers are not GPU numbers).
import type { Emit } from './run.ts';
import { medianMs } from './util.ts';
import { createCpuRasterizer } from '../src/engine/raster/cpu.ts';
import type { RasterScene, Rasterizer } from '../src/engine/raster/types.ts';
import { IDENTITY_VIEW } from '../src/engine/raster/types.ts';
import { perspectiveView, randomStrokes, rng } from '../test/helpers/raster-scenes.ts';

const SIZE = 224;

function scene(strokes: number, views: number): RasterScene {
  const maps = [IDENTITY_VIEW, ...Array.from({ length: views - 1 }, (_, v) => perspectiveView(SIZE, 100 + v, 0.5))];
  return { points: randomStrokes(strokes, SIZE, strokes), views: Float32Array.from(maps.flat()), size: SIZE, width: 3 };
}

async function time(raster: Rasterizer, s: RasterScene, runs: number): Promise<number> {
  const r = rng(1);
  const grad = Float32Array.from({ length: (s.views.length / 9) * SIZE * SIZE }, () => r() - 0.5);
  return medianMs(async () => {
    await raster.forward(s);
    await raster.backward(grad);
  }, runs);
}

export async function run(emit: Emit): Promise<void> {
  for (const strokes of [4, 16, 64]) {
    for (const views of [1, 5]) {
      const s = scene(strokes, views);
      const row = { strokes, views, size: SIZE, segments: 16 };
      const binned = await time(createCpuRasterizer(), s, 15);
      const naive = await time(createCpuRasterizer({ binning: false }), s, strokes >= 64 ? 3 : 7);
      emit({ case: `fwd+bwd N=${strokes} B=${views}`, backend: 'cpu-binned', ...row, median_ms: +binned.toFixed(2) });
      emit({ case: `fwd+bwd N=${strokes} B=${views}`, backend: 'cpu-naive', ...row, median_ms: +naive.toFixed(2), naive_over_binned: +(naive / binned).toFixed(1) });
    }
  }
}
