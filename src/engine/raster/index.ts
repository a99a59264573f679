// Rasterizer backends behind the one contract in types.ts. The optimizer asks for WebGPU
// when it holds a device and falls back to the CPU reference otherwise.
import { createCpuRasterizer, type CpuRasterizerOptions } from './cpu.ts';
import type { Rasterizer } from './types.ts';
import { createWebGpuRasterizer, type WebGpuRasterizer, type WebGpuRasterizerOptions } from './webgpu.ts';

export * from './types.ts';
export { DEFAULT_FALLOFF, MIN_W, validateScene, coverage } from './scene.ts';
export { createCpuRasterizer, type CpuRasterizerOptions } from './cpu.ts';
export { createWebGpuRasterizer, type GpuRasterScene, type WebGpuRasterizer, type WebGpuRasterizerOptions } from './webgpu.ts';

/** WebGPU on `device` when given, else the CPU reference. Options apply to the chosen backend. */
export function createRasterizer(device: GPUDevice, options?: WebGpuRasterizerOptions): Promise<WebGpuRasterizer>;
export function createRasterizer(device?: GPUDevice | null, options?: CpuRasterizerOptions & WebGpuRasterizerOptions): Promise<Rasterizer>;
export async function createRasterizer(
  device?: GPUDevice | null,
  options: CpuRasterizerOptions & WebGpuRasterizerOptions = {},
): Promise<Rasterizer> {
  return device ? createWebGpuRasterizer(device, options) : createCpuRasterizer(options);
}
