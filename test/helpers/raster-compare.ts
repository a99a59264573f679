// Runs a rasterizer and the CPU reference on the same small scenes and reports the largest
// differences. Shared by the Node (Dawn) and headless Chromium WebGPU tests.
import { createCpuRasterizer } from '../../src/engine/raster/cpu.ts';
import { IDENTITY_VIEW, type RasterScene, type Rasterizer } from '../../src/engine/raster/types.ts';
import { perspectiveView, randomStrokes, rng } from './raster-scenes.ts';

export interface ComparisonRow {
  name: string;
  /** max |image - reference| */
  forwardMaxAbs: number;
  /** max |grad - reference| / max |reference grad| (0 when the reference is all zero and so is grad) */
  backwardMaxRel: number;
  /** max |reference grad|, to show the case is not trivially zero */
  gradScale: number;
  inkPixels: number;
}

export function comparisonScenes(): { name: string; scene: RasterScene }[] {
  const size = 64;
  const perspective = (seed: number, d = 0.4) => perspectiveView(size, seed, d);
  return [
    {
      name: '6 strokes, identity, width 3',
      scene: { points: randomStrokes(6, size, 1), views: Float32Array.from(IDENTITY_VIEW), size, width: 3 },
    },
    {
      name: '6 strokes, identity + 2 perspectives, width 2, falloff 0.7',
      scene: {
        points: randomStrokes(6, size, 2),
        views: Float32Array.from([...IDENTITY_VIEW, ...perspective(5), ...perspective(6, 0.6)]),
        size,
        width: 2,
        falloff: 0.7,
      },
    },
    {
      name: '3 strokes incl. a dot and one off-canvas, width 5, falloff 2',
      scene: {
        points: Float32Array.from([...randomStrokes(1, size, 3), 30, 31, 30, 31, 30, 31, 30, 31, 500, 500, 520, 510, 530, 490, 560, 500]),
        views: Float32Array.from(perspective(7)),
        size,
        width: 5,
        falloff: 2,
      },
    },
    { name: 'N = 0', scene: { points: new Float32Array(0), views: Float32Array.from(IDENTITY_VIEW), size: 20, width: 3 } },
    {
      name: '40 strokes, 37x37 (partial tiles)',
      scene: { points: randomStrokes(40, 37, 4), views: Float32Array.from(perspectiveView(37, 8, 0.5)), size: 37, width: 3 },
    },
  ];
}

export async function compareWithCpu(raster: Rasterizer): Promise<ComparisonRow[]> {
  const cpu = createCpuRasterizer();
  const rows: ComparisonRow[] = [];
  for (const { name, scene } of comparisonScenes()) {
    const ref = await cpu.forward(scene);
    const img = await raster.forward(scene);
    if (img.length !== ref.length) throw new Error(`${name}: image length ${img.length} != ${ref.length}`);
    let forwardMaxAbs = 0;
    let inkPixels = 0;
    for (let i = 0; i < ref.length; i++) {
      forwardMaxAbs = Math.max(forwardMaxAbs, Math.abs(img[i] - ref[i]));
      if (ref[i] < 0.5) inkPixels++;
    }
    const r = rng(9);
    const g = Float32Array.from({ length: ref.length }, () => r() - 0.5);
    const refGrad = await cpu.backward(g);
    const grad = await raster.backward(g);
    if (grad.length !== refGrad.length) throw new Error(`${name}: gradient length ${grad.length} != ${refGrad.length}`);
    let gradScale = 0;
    let maxErr = 0;
    for (let i = 0; i < refGrad.length; i++) {
      gradScale = Math.max(gradScale, Math.abs(refGrad[i]));
      maxErr = Math.max(maxErr, Math.abs(grad[i] - refGrad[i]));
    }
    rows.push({ name, forwardMaxAbs, backwardMaxRel: gradScale > 0 ? maxErr / gradScale : maxErr, gradScale, inkPixels });
  }
  return rows;
}
