// The WebGPU half of the GPU-machine benchmark (issue #9, README.md beside this file): the
// per-iteration breakdown of `npm run bench -- pipeline` (the same runCase of
// bench/_pipeline-cases.ts: rasterize, model loss-and-gradient, raster backward, Adam,
// overhead, FLOPs, GFLOP/s) on the one-device pipeline, in plain Node on Dawn (dawn.node)
// instead of headless Chromium, with onnxruntime-web's webgpu EP on the same GPUDevice.
// prepare.sh bundles it into .device/gpu-bench.mjs; `npx tsx bench/device/gpu-bench.ts` runs
// it from the checkout. One JSON line per row on stdout. Environment:
//   DEVICE_CASES  model:B:N[:precision],... (default rn101:5:16,rn101:5:16:float32,
//                 embedded:5:16,embedded:5:64,rn101:5:64; no precision: the device's, i.e.
//                 float16 with shader-f16; each case builds its own session: ~100 s for RN101
//                 B=5 on this 2-core machine)
//   DEVICE_ITERS  timed iterations per case, after one warm-up (default 10)
//   DAWN_FLAGS    comma-separated flags for Dawn's create(), e.g. backend=vulkan
//   DEVICE_CHECK  0 skips the correctness check (_check.ts) that runs first
//   DAWN_NODE, ORT_WASM, EMBEDDED_BIN  file paths (default: beside this file, else the
//                 checkout's node_modules / build)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web/webgpu';
import { embeddedArchitecture, MODEL_LABELS, rn101Random, runCase, type ModelName } from '../_pipeline-cases.ts';
import type { Architecture } from '../../src/engine/index.ts';
import { checkAgainstCpu } from './_check.ts';
import { openNodeGpu } from './_node-gpu.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const BACKEND = 'webgpu one-device pipeline (Node + Dawn)';

function locate(env: string, name: string, fallback: string): string {
  const path = process.env[env] ?? [resolve(here, name), resolve(root, fallback)].find((p) => existsSync(p));
  if (!path || !existsSync(path)) throw new Error(`${env}: ${name} not found beside ${here} or at ${fallback}`);
  return path;
}

const emit = (row: Record<string, unknown>): void => console.log(JSON.stringify({ suite: 'device', ...row }));

function parseCases(text: string): { model: ModelName; batch: number; strokes: number; precision?: 'float32' | 'float16' }[] {
  return text.split(',').map((c) => {
    const [model, b, n, precision] = c.split(':');
    if (model !== 'rn101' && model !== 'embedded') throw new Error(`DEVICE_CASES: unknown model '${model}'`);
    if (precision !== undefined && precision !== 'float32' && precision !== 'float16')
      throw new Error(`DEVICE_CASES: unknown precision '${precision}'`);
    return { model, batch: Number(b), strokes: Number(n), ...(precision ? { precision } : {}) };
  });
}

async function main(): Promise<void> {
  const cases = parseCases(process.env.DEVICE_CASES ?? 'rn101:5:16,rn101:5:16:float32,embedded:5:16,embedded:5:64,rn101:5:64');
  const iterations = Number(process.env.DEVICE_ITERS ?? 10);
  const flags = (process.env.DAWN_FLAGS ?? '').split(',').filter(Boolean);
  const gpu = await openNodeGpu(locate('DAWN_NODE', 'dawn.node', 'node_modules/webgpu/dist/linux-x64/dawn.node'), flags);
  const { device } = gpu;
  let gpuErrors = 0;
  device.addEventListener('uncapturederror', (e) => {
    if (gpuErrors++ < 5) console.error('uncaptured WebGPU error:', (e as GPUUncapturedErrorEvent).error.message);
  });
  void device.lost.then((l) => console.error(`device lost: ${l.reason} ${l.message}`));
  emit({ case: 'adapter', backend: BACKEND, node: process.version, dawn_flags: flags, ...gpu.info });

  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmBinary = readFileSync(
    locate('ORT_WASM', 'ort-wasm-simd-threaded.asyncify.wasm', 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm'),
  );
  ort.env.logLevel = 'warning';

  if (process.env.DEVICE_CHECK !== '0') {
    const what = 'tiny conv net B=2, loss + input gradient: webgpu EP on our device vs wasm EP (float32)';
    for (const precision of device.features.has('shader-f16') ? (['float32', 'float16'] as const) : (['float32'] as const)) {
      try {
        emit({ case: 'check', backend: BACKEND, what, precision, ...(await checkAgainstCpu(ort, device, precision)) });
      } catch (e) {
        emit({ case: 'check', backend: BACKEND, what, precision, ok: false, error: String((e as Error).stack ?? e).slice(0, 800) });
      }
    }
  }

  const archs = new Map<ModelName, Architecture>();
  const arch = (model: ModelName): Architecture => {
    let a = archs.get(model);
    if (!a) {
      a =
        model === 'rn101'
          ? rn101Random()
          : embeddedArchitecture(
              new Uint8Array(readFileSync(locate('EMBEDDED_BIN', 'embedded-mobilenetv2.bin', 'build/models/embedded-mobilenetv2.bin'))),
            );
      archs.set(model, a);
    }
    return a;
  };
  const adapter = `${gpu.info.vendor} ${gpu.info.architecture} ${gpu.info.description}`.trim();
  for (const c of cases) {
    const spec = { ...c, iterations };
    const head = {
      case: 'iteration',
      backend: BACKEND,
      adapter,
      model: MODEL_LABELS[c.model],
      model_key: c.model,
      B: c.batch,
      N: c.strokes,
    };
    if (c.model === 'rn101' && gpu.info.is_fallback && !process.env.DEVICE_ALLOW_FALLBACK) {
      // A software adapter (SwiftShader: ~0.02 GFLOP/s here) would spend hours on RN101.
      emit({ ...head, blocked: 'not run on a fallback (software) adapter; DEVICE_ALLOW_FALLBACK=1 forces it' });
      continue;
    }
    const t0 = performance.now();
    try {
      const row = await runCase(spec, arch(c.model), { kind: 'webgpu', ort, device });
      emit({
        ...head,
        timed: iterations,
        ...row,
        target_share_non_model: 0.1,
        gpu_errors: gpuErrors,
        ms_case_wall: Math.round(performance.now() - t0),
      });
    } catch (e) {
      emit({ ...head, error: String((e as Error).stack ?? e).slice(0, 800), gpu_errors: gpuErrors });
    }
  }
  gpu.close();
}

main().then(
  () => process.exit(0), // Dawn and ORT keep handles open
  (e) => {
    emit({ case: 'fatal', backend: BACKEND, error: String((e as Error).stack ?? e).slice(0, 800) });
    process.exit(1);
  },
);
