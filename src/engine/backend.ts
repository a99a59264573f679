// Rasterizer backend selection: WebGPU when a GPUDevice is given and the pipelines build,
// else the CPU reference; the reason is reported with the result. The model's execution
// provider is the model's own choice (made when it is loaded).
import { createCpuRasterizer } from './raster/cpu.ts';
import type { Rasterizer } from './raster/types.ts';
import { createWebGpuRasterizer } from './raster/webgpu.ts';
import type { BackendChoice } from './options.ts';

export interface BackendSelection {
  backend: 'cpu' | 'webgpu';
  reason: string;
  /** One rasterizer per seed (each keeps the scene of its last forward for backward). */
  rasterizers: Rasterizer[];
}

export async function selectBackend(choice: BackendChoice, count: number, device?: GPUDevice): Promise<BackendSelection> {
  const cpu = (reason: string): BackendSelection => ({
    backend: 'cpu',
    reason,
    rasterizers: Array.from({ length: count }, () => createCpuRasterizer()),
  });
  if (choice === 'cpu') return cpu('cpu requested');
  if (!device) {
    if (choice === 'webgpu') throw new Error("backend 'webgpu' needs a GPUDevice (pass runtime.gpuDevice)");
    return cpu('no GPUDevice given');
  }
  try {
    const rasterizers: Rasterizer[] = [];
    for (let i = 0; i < count; i++) rasterizers.push(await createWebGpuRasterizer(device));
    return { backend: 'webgpu', reason: choice === 'webgpu' ? 'webgpu requested' : 'GPUDevice available', rasterizers };
  } catch (error) {
    if (choice === 'webgpu') throw new Error(`backend 'webgpu' failed to start: ${(error as Error).message}`);
    return cpu(`WebGPU rasterizer failed (${(error as Error).message}); using cpu`);
  }
}
