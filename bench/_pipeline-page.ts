// Bundled into the headless Chromium page by bench/pipeline.ts (window.ort is onnxruntime-web's
// webgpu build): runs WebGPU-path cases on the page's device.
import type * as Ort from 'onnxruntime-web';
import type { Architecture } from '../src/engine/index.ts';
import { embeddedArchitecture, MODEL_LABELS, rn101Random, runCase, type CaseSpec, type ModelName } from './_pipeline-cases.ts';

let device: GPUDevice | null = null;
let adapterName = '';
const archs = new Map<ModelName, Architecture>();

async function runPipelineCase(spec: CaseSpec): Promise<Record<string, unknown>> {
  try {
    if (!device) {
      const adapter = await navigator.gpu?.requestAdapter();
      if (!adapter) return { error: 'no WebGPU adapter in this page' };
      adapterName = `${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.description}`.trim();
      device = await adapter.requestDevice({
        requiredFeatures: adapter.features.has('shader-f16') ? ['shader-f16'] : [],
        requiredLimits: {
          maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
          maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
          maxBufferSize: adapter.limits.maxBufferSize,
          maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
        },
      });
    }
    let arch = archs.get(spec.model);
    if (!arch) {
      arch =
        spec.model === 'embedded'
          ? embeddedArchitecture(new Uint8Array(await (await fetch('/build/models/embedded-mobilenetv2.bin')).arrayBuffer()))
          : rn101Random();
      archs.set(spec.model, arch);
    }
    const ort = (globalThis as unknown as { ort: typeof Ort }).ort;
    const row = await runCase(spec, arch, { kind: 'webgpu', ort, device });
    return { adapter: adapterName, shader_f16: device.features.has('shader-f16'), model: MODEL_LABELS[spec.model], ...row };
  } catch (e) {
    return { error: String((e as Error).stack ?? e) };
  }
}

(globalThis as unknown as { runPipelineCase: typeof runPipelineCase }).runPipelineCase = runPipelineCase;
