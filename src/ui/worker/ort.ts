// onnxruntime-web for the plugin window. The built-in window can fetch nothing beside ui.html,
// so the runtime's wasm is inlined by build.mjs (binary loader) and handed to ORT as bytes; the
// hosted site keeps it as a hashed file, fetched and verified before the first session.
// Build choice: the webgpu build, whose wasm (asyncify) carries both the WebGPU EP and the
// CPU (wasm) EP. It lets the loss model share the rasterizer's GPUDevice (docs/design.md "Platform facts") and
// still runs on the CPU when WebGPU is missing. Cost: ~27 MB wasm (~36 MB as base64) against
// ~14 MB for the wasm-only build. Switching builds means changing both imports together.
import * as ort from 'onnxruntime-web/webgpu';
import wasmAsset from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm';
import { assetBytes } from './assets.ts';

// The Figma iframe is not cross-origin isolated: no SharedArrayBuffer, so one thread; and no
// worker proxy, since a worker script would need a URL of its own.
ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;
if (wasmAsset instanceof Uint8Array) ort.env.wasm.wasmBinary = wasmAsset;

let ready: Promise<typeof ort> | null = null;

/** ORT with its wasm in place: call before the first session (a no-op wait when inlined). */
export function ortReady(): Promise<typeof ort> {
  ready ??= assetBytes(wasmAsset, "The runtime's wasm (onnxruntime-web)").then(
    (bytes) => {
      ort.env.wasm.wasmBinary = bytes;
      return ort;
    },
    (error: unknown) => {
      ready = null;
      throw error;
    },
  );
  return ready;
}

export { ort };
export const ORT_BUILD = 'onnxruntime-web/webgpu (asyncify wasm: WebGPU EP + CPU EP)';
