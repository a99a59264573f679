// Which compute backend the UI can offer, and why, in words the user can act on. Figma does
// not document WebGPU in plugin iframes, so it is feature-detected and the CPU path is the
// fallback that always works.

export interface BackendProbe {
  device: GPUDevice | null;
  /** A software adapter (e.g. SwiftShader): slower than the wasm CPU path. */
  software: boolean;
  /** Short label for the UI: "WebGPU (…adapter…)" or "CPU". */
  label: string;
  /** Why this backend: the reason the GPU is not used, when it is not. */
  reason: string;
}

export async function probeWebGpu(gpu: GPU | undefined = (navigator as Navigator & { gpu?: GPU }).gpu): Promise<BackendProbe> {
  if (!gpu) return cpu('this host gives plugins no WebGPU (navigator.gpu is missing)');
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return cpu(`WebGPU refused an adapter (${(error as Error).message})`);
  }
  if (!adapter) return cpu('WebGPU found no usable graphics adapter');
  try {
    const device = await adapter.requestDevice({
      // Half-precision shaders let the loss session run in float16 (gpu-loss-session.ts).
      requiredFeatures: adapter.features.has('shader-f16') ? ['shader-f16'] : [],
      requiredLimits: {
        maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    });
    const info = adapter.info;
    const software = isSoftwareAdapter(adapter);
    const name = [info?.vendor, info?.architecture || info?.description].filter(Boolean).join(' ') || 'GPU';
    return {
      device,
      software,
      label: `WebGPU (${name})`,
      reason: software ? 'the only WebGPU adapter is a software renderer' : 'a WebGPU device is available',
    };
  } catch (error) {
    return cpu(`the graphics adapter would not open a device (${(error as Error).message})`);
  }
}

/** A software adapter (SwiftShader, a fallback adapter): slower than the wasm CPU path. */
export function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return info?.isFallbackAdapter === true || /swiftshader/i.test(`${info?.vendor} ${info?.architecture} ${info?.description}`);
}

function cpu(reason: string): BackendProbe {
  return { device: null, software: false, label: 'CPU', reason };
}
