// A GPUDevice in plain Node from Dawn's `dawn.node` (the binary of the npm `webgpu` package),
// loaded by path so the bundled device bench needs no node_modules on the GPU machine.
// Three Node-only fixes that onnxruntime-web's webgpu EP needs on a shared device:
// - Node-API addons reject views on a SharedArrayBuffer, and the EP (threaded wasm build:
//   its memory is always shared) calls queue.writeBuffer with views on wasm memory, so
//   session creation fails with "Invalid argument" (nodejs/node#23276; Chromium accepts
//   them). writeBuffer copies such views into a plain buffer first.
// - navigator.gpu must exist (below).
// - Dawn's pending promises hold no libuv handle: Node exits mid-await unless a timer runs.
import { createRequire } from 'node:module';

export interface NodeGpu {
  gpu: GPU;
  adapter: GPUAdapter;
  device: GPUDevice;
  /** Adapter identity and the limits we raised, to show which GPU (and driver) ran. */
  info: Record<string, unknown>;
  /** Lets Node exit once the work is done. */
  close(): void;
}

type Dawn = { create(flags: string[]): GPU; globals: Record<string, unknown> };

function allowSharedWrites(globals: Record<string, unknown>): void {
  const proto = (globals.GPUQueue as { prototype: GPUQueue }).prototype;
  const write = proto.writeBuffer;
  proto.writeBuffer = function (buffer, offset, data, dataOffset = 0, size) {
    const view = data as ArrayBufferView;
    if (ArrayBuffer.isView(view) && view.buffer instanceof SharedArrayBuffer) {
      // dataOffset/size count elements of a typed array, bytes of a DataView.
      const unit = (view as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
      const start = dataOffset * unit;
      const bytes = size === undefined ? view.byteLength - start : size * unit;
      const copy = new Uint8Array(bytes);
      copy.set(new Uint8Array(view.buffer, view.byteOffset + start, bytes));
      return write.call(this, buffer, offset, copy);
    }
    return write.call(this, buffer, offset, data, dataOffset, size);
  };
}

export async function openNodeGpu(dawnPath: string, flags: string[] = []): Promise<NodeGpu> {
  const keepAlive = setInterval(() => {}, 1000);
  const dawn = createRequire(import.meta.url)(dawnPath) as Dawn;
  Object.assign(globalThis, dawn.globals);
  allowSharedWrites(dawn.globals);
  const gpu = dawn.create(flags);
  // The EP refuses to start ("WebGPU is not supported in current environment") without
  // navigator.gpu, even when handed a device; Node 20 has no navigator.
  if (!(globalThis.navigator as { gpu?: unknown } | undefined)?.gpu) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    clearInterval(keepAlive);
    throw new Error('no WebGPU adapter (is libvulkan.so.1 installed and VK_DRIVER_FILES / VK_ICD_FILENAMES set?)');
  }
  const l = adapter.limits;
  const limits = {
    maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxBufferSize: l.maxBufferSize,
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
  };
  // As bench/_pipeline-page.ts asks in Chromium: shader-f16 where offered, nothing else.
  const features: GPUFeatureName[] = adapter.features.has('shader-f16') ? ['shader-f16'] : [];
  const device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits: limits });
  const a = adapter.info;
  const info = {
    vendor: a.vendor,
    architecture: a.architecture,
    device: a.device,
    description: a.description,
    is_fallback: (a as { isFallbackAdapter?: boolean }).isFallbackAdapter,
    features,
    ...limits,
  };
  return { gpu, adapter, device, info, close: () => clearInterval(keepAlive) };
}
