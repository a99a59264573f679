// Gives Node tests a GPUDevice through the npm `webgpu` package (Dawn). On machines without
// a GPU, Dawn runs on Chromium's SwiftShader Vulkan ICD (Debian `chromium` + `libvulkan1`).
// In CI a missing adapter is a failure, never a silent skip.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let devicePromise: Promise<GPUDevice> | null = null;

export interface NodeGpu {
  gpu: GPU;
  device: GPUDevice;
}

let gpuInstance: GPU | null = null;

function createGpu(): GPU {
  if (gpuInstance) return gpuInstance;
  // Dawn's Vulkan loader reads this when the first instance is created, so setting it
  // in-process works (LD_LIBRARY_PATH would not: the linker reads it at process start).
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  const require = createRequire(import.meta.url);
  const webgpu = require('webgpu') as { create(opts: string[]): GPU; globals: Record<string, unknown> };
  Object.assign(globalThis, webgpu.globals);
  gpuInstance = webgpu.create([]);
  return gpuInstance;
}

/** One shared device per test process; rejects with a clear message when no adapter exists. */
export function getTestDevice(): Promise<GPUDevice> {
  devicePromise ??= (async () => {
    const gpu = createGpu();
    const adapter = await gpu.requestAdapter();
    if (!adapter) {
      throw new Error(
        'No WebGPU adapter in Node. Install Debian packages `chromium` and `libvulkan1` ' +
          `(SwiftShader ICD at ${SWIFTSHADER_ICD}) or set VK_ICD_FILENAMES.`,
      );
    }
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    });
    return device;
  })();
  return devicePromise;
}

/** The GPU object itself, for code under test that requests its own adapter. */
export function getNodeGpu(): GPU {
  return createGpu();
}
