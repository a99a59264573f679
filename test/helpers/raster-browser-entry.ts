// Bundled into a headless Chromium page by test/engine/raster/raster-webgpu-browser.test.ts: runs the
// WebGPU rasterizer on the page's own device against the CPU reference.
import { createWebGpuRasterizer } from '../../src/engine/raster/webgpu.ts';
import { compareWithCpu, type ComparisonRow } from './raster-compare.ts';

async function runRasterComparison(): Promise<{ adapter: string; rows: ComparisonRow[] } | { error: string }> {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) return { error: 'no WebGPU adapter in this page' };
  const device = await adapter.requestDevice();
  const raster = await createWebGpuRasterizer(device);
  try {
    return {
      adapter: `${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.description}`.trim(),
      rows: await compareWithCpu(raster),
    };
  } finally {
    raster.dispose();
    device.destroy();
  }
}

(globalThis as unknown as { runRasterComparison: typeof runRasterComparison }).runRasterComparison = runRasterComparison;
