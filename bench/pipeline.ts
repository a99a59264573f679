// `npm run bench -- pipeline`: the per-iteration budget of the optimization loop, split into
// rasterize / model loss-and-gradient / rasterizer backward / optimizer / overhead
// (= iteration wall time minus the four parts: waits, copies, dispatch, allocation), with
// the model's matrix FLOPs and achieved GFLOP/s, for the embedded MobileNetV2 and a CLIP
// RN101-shaped graph, B views in {1, 5}, N strokes in {16, 64}:
//   cpu     CPU rasterizer + the CLI's CPU runtimes, one thread, in Node (the CPU path):
//           onnxruntime-node (what the CLI uses when installed) and onnxruntime-web wasm
//   webgpu  the one-device GPU pipeline (src/engine/gpu) in headless Chromium on whatever
//           adapter it finds (SwiftShader here: a CPU emulation; its absolute times are not
//           GPU numbers, the shares are still meaningful)
//   sketch  whole sketches: 16 strokes, each preset, embedded model, CPU path (each runtime)
// Sections: BENCH_PIPELINE=cpu,webgpu,sketch (default all). Timed iterations per case (after
// one warm-up): BENCH_ITERS (cpu, default 3), BENCH_GPU_ITERS (webgpu, default 1).
// BENCH_PRESETS (default draft,standard,best) for the whole sketches. BENCH_ORT: CPU runtimes
// (default node,wasm; node is skipped when onnxruntime-node is not installed). BENCH_MODELS:
// embedded,rn101 (default both) for the cpu section.
// Time here (2 shared cores): cpu ~4 min (rn101 ~3.5 of them), webgpu ~4 min (SwiftShader),
// sketch draft+standard ~2 min per runtime; `best` runs up to 2000 iterations at B=15 (tens of
// minutes), so a run under 10 minutes is e.g. BENCH_PRESETS=draft,standard BENCH_ITERS=1.
// The webgpu section runs in Chromium, the plugin's own environment. The EP also runs in Node
// with the npm `webgpu` package once SharedArrayBuffer-backed writes are copied (Dawn's addon
// rejects them): bench/device/_node-gpu.ts, used by the GPU-machine script bench/device/run.sh.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-web';
import type { Emit } from './run.ts';
import { embeddedArchitecture, MODEL_LABELS, rn101Random, runCase, type CaseSpec, type ModelName } from './_pipeline-cases.ts';
import { loadEmbedded, loadFixture } from './_sketch-util.ts';
import { sketchify, type Architecture, type LossModel } from '../src/engine/index.ts';
import { cpuRuntime, embeddedLossModel, type CpuRuntime } from '../src/cli/models.ts';
import { loadOrtInPage, openBrowserPage } from '../test/helpers/browser.ts';
import { bundleForBrowser } from '../test/helpers/bundle.ts';

ort.env.wasm.numThreads = 1;
const EMBEDDED_BIN = resolve(import.meta.dirname, '../build/models/embedded-mobilenetv2.bin');
const ITERS = Number(process.env.BENCH_ITERS ?? 3);
const GPU_ITERS = Number(process.env.BENCH_GPU_ITERS ?? 1);
const sections = (process.env.BENCH_PIPELINE ?? 'cpu,webgpu,sketch').split(',');
const runtimeNames = (process.env.BENCH_ORT ?? 'node,wasm').split(',');
const models = (process.env.BENCH_MODELS ?? 'embedded,rn101').split(',') as ModelName[];

/** The CPU runtimes to measure, as the CLI configures them. */
async function runtimes(): Promise<CpuRuntime[]> {
  const out: CpuRuntime[] = [];
  for (const name of runtimeNames) {
    const r = await cpuRuntime(name === 'wasm' ? 'wasm' : undefined);
    const isNode = r.name === 'onnxruntime-node';
    if (name === 'wasm' || isNode) out.push(r); // 'node' without onnxruntime-node installed: skipped
  }
  return out;
}

function cases(model: ModelName, webgpu: boolean): CaseSpec[] {
  const out: CaseSpec[] = [];
  for (const batch of [1, 5]) {
    for (const strokes of [16, 64]) {
      // SwiftShader runs MobileNetV2 at ~0.05 GFLOP/s: B=5 x N=64 and every RN101 case would
      // take many minutes per iteration there (webgpuSection reports RN101 as blocked).
      if (webgpu && (model === 'rn101' || (batch === 5 && strokes === 64))) continue;
      out.push({ model, batch, strokes, iterations: webgpu ? GPU_ITERS : ITERS });
    }
  }
  return out;
}

async function cpuSection(emit: Emit): Promise<void> {
  await loadEmbedded().then((m) => m.model.dispose()); // builds the packed weight file if missing
  const archs: Record<ModelName, () => Architecture> = {
    embedded: () => embeddedArchitecture(new Uint8Array(readFileSync(EMBEDDED_BIN))),
    rn101: rn101Random,
  };
  const rts = await runtimes();
  for (const model of models) {
    const arch = archs[model]();
    for (const spec of cases(model, false)) {
      for (const rt of rts) {
        const row = await runCase(spec, arch, { kind: 'cpu', ort: rt.ort, sessionOptions: rt.sessionOptions });
        emit({
          case: 'iteration',
          backend: `cpu raster + ${rt.name} 1 thread (Node)`,
          model: MODEL_LABELS[model],
          B: spec.batch,
          N: spec.strokes,
          timed: spec.iterations,
          ...row,
        });
      }
    }
  }
}

async function webgpuSection(emit: Emit): Promise<void> {
  const session = await openBrowserPage();
  try {
    await loadOrtInPage(session.page);
    await session.page.addScriptTag({ type: 'module', content: await bundleForBrowser(resolve(import.meta.dirname, '_pipeline-page.ts')) });
    await session.page.waitForFunction(() => 'runPipelineCase' in window, undefined, { timeout: 60_000 });
    let embeddedGflops = 0;
    for (const model of ['embedded'] as ModelName[]) {
      for (const spec of cases(model, true)) {
        const row = (await session.page.evaluate(`runPipelineCase(${JSON.stringify(spec)})`)) as Record<string, unknown>;
        if (row.error)
          emit({
            case: 'iteration',
            backend: 'webgpu (Chromium)',
            model: MODEL_LABELS[model],
            B: spec.batch,
            N: spec.strokes,
            error: String(row.error).slice(0, 400),
            logs: session.logs.slice(-5),
          });
        else {
          emit({
            case: 'iteration',
            backend: 'webgpu one-device pipeline (headless Chromium)',
            B: spec.batch,
            N: spec.strokes,
            timed: spec.iterations,
            ...row,
            target_share_non_model: 0.1,
          });
          embeddedGflops = Math.max(embeddedGflops, Number(row.model_gflop_s));
        }
      }
    }
    const rn101Flops = 38_041_082_880; // loss-and-gradient at B=1 (countFlops; the cpu rows print it)
    emit({
      case: 'iteration',
      backend: 'webgpu one-device pipeline (headless Chromium)',
      model: MODEL_LABELS.rn101,
      B: 1,
      N: 16,
      blocked: `not run: at the ${embeddedGflops} GFLOP/s this adapter reached on MobileNetV2, one RN101 iteration (${(rn101Flops / 1e9).toFixed(1)} GFLOP) would take ~${Math.round(rn101Flops / (embeddedGflops * 1e9))} s`,
    });
  } finally {
    await session.close();
  }
}

async function sketchSection(emit: Emit): Promise<void> {
  await loadEmbedded().then((m) => m.model.dispose()); // builds the packed weight file if missing
  const image = process.env.BENCH_IMAGE ?? 'chelsea.png';
  for (const rt of await runtimes()) {
    const model = await embeddedLossModel(new Uint8Array(readFileSync(EMBEDDED_BIN)), rt);
    await sketchRows(emit, model, rt, image);
    await model.dispose();
  }
}

async function sketchRows(emit: Emit, model: LossModel, rt: CpuRuntime, image: string): Promise<void> {
  for (const preset of (process.env.BENCH_PRESETS ?? 'draft,standard,best').split(',') as ('draft' | 'standard' | 'best')[]) {
    const result = await sketchify(loadFixture(image), { preset, strokes: 16, backend: 'cpu' }, { model });
    const t = result.timings;
    emit({
      case: 'whole sketch',
      backend: `cpu raster + ${rt.name} 1 thread (Node)`,
      model: 'embedded',
      image,
      preset,
      strokes: 16,
      ms_total: Math.round(t.totalMs),
      iterations: result.iterations,
      stopped_early: result.stoppedEarly,
      ms_per_iteration: Math.round(t.perIterationMs),
      ...(preset === 'standard' ? { target_ms: 60000, meets: t.totalMs <= 60000 } : {}),
    });
  }
}

export async function run(emit: Emit): Promise<void> {
  if (sections.includes('cpu')) await cpuSection(emit);
  if (sections.includes('webgpu')) await webgpuSection(emit);
  if (sections.includes('sketch')) await sketchSection(emit);
}
