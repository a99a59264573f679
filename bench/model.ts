// `npm run bench -- model`: forward-only vs loss-and-gradient time of the compiled graphs at
// B in {1, 5}, in onnxruntime-web wasm (one thread, as in the Figma iframe) and in
// onnxruntime-node native CPU (the ceiling on this machine), with FLOPs of the matrix ops.
import { loadavg } from 'node:os';
import * as ortWeb from 'onnxruntime-web';
import type { Emit } from './run.ts';
import { medianMs } from './util.ts';
import {
  countFlops,
  buildForwardGraph,
  buildLossGraph,
  type Architecture,
  Graph as GraphClass,
  type Graph,
  relu,
  serializeModel,
  EMBEDDED_EMBEDDING_LAYER,
  EMBEDDED_INPUT_SIZE,
  EMBEDDED_TAP_NORMALIZATION,
  packLayersModel,
  unpackLayersModel,
  MOBILENET_V2_DEFAULT_TAPS,
  MOBILENET_V2_SIZE,
  mobileNetV2,
} from '../src/engine/index.ts';
import { readNsfwjsMobileNetV2 } from '../models/build-embedded.ts';

ortWeb.env.wasm.numThreads = 1;

type OrtLike = Pick<typeof ortWeb, 'InferenceSession' | 'Tensor'>;
interface Runtime {
  name: string;
  ort: OrtLike;
  options: ortWeb.InferenceSession.SessionOptions;
}

async function loadNodeRuntime(): Promise<OrtLike | string> {
  try {
    const mod = (await import('onnxruntime-node')) as unknown as OrtLike;
    const probe = new GraphClass('probe');
    probe.output(relu(probe.input('x', [1, 2])), 'y');
    await mod.InferenceSession.create(serializeModel(probe));
    return mod;
  } catch (error) {
    return `onnxruntime-node unusable (its binary is fetched by an install script we skip): ${String(error).slice(0, 200)}`;
  }
}

function feedsFor(ort: OrtLike, graph: Graph): Record<string, ortWeb.Tensor> {
  const feeds: Record<string, ortWeb.Tensor> = {};
  for (const t of graph.inputs) {
    const data = new Float32Array(t.size);
    for (let i = 0; i < data.length; i++) data[i] = 0.5 + 0.4 * Math.sin(i * 0.37);
    if (t.name.startsWith('w_')) data.fill(1);
    feeds[t.name] = new ort.Tensor('float32', data, [...t.shape]);
  }
  return feeds;
}

/** Median wall ms, and the minimum process CPU ms of one run (robust on a shared machine). */
async function timeGraph(rt: Runtime, graph: Graph, runs: number): Promise<{ wall: number; cpu: number }> {
  const session = await rt.ort.InferenceSession.create(serializeModel(graph), rt.options);
  const feeds = feedsFor(rt.ort, graph);
  let cpu = Infinity;
  const wall = await medianMs(
    async () => {
      const c0 = process.cpuUsage();
      await session.run(feeds);
      const c = process.cpuUsage(c0);
      cpu = Math.min(cpu, (c.user + c.system) / 1000);
    },
    runs,
    2,
  );
  await session.release();
  return { wall, cpu };
}

export async function run(emit: Emit): Promise<void> {
  // The embedded model (nsfwjs MobileNetV2 read from node_modules, packed up to out_relu
  // exactly as the build does, models/build-embedded.ts) in its shipped configuration, then
  // the full network at 224 that it replaced (bench/embedded-config.ts compares their sketches).
  const { model: keras } = unpackLayersModel(
    packLayersModel(readNsfwjsMobileNetV2().model, ['out_relu'], { origin: 'bench', licence: 'MIT' }),
  );
  const models: { model: string; arch: Architecture; size: number; batches: number[]; wasmOnly?: boolean }[] = [
    {
      model: `embedded (shipped): mobilenet_v2 run at ${EMBEDDED_INPUT_SIZE} inside a ${MOBILENET_V2_SIZE} graph, taps ${MOBILENET_V2_DEFAULT_TAPS.join(' + ')} (${EMBEDDED_TAP_NORMALIZATION}-normalized), embedding pooled ${EMBEDDED_EMBEDDING_LAYER}`,
      arch: mobileNetV2(keras, {
        taps: MOBILENET_V2_DEFAULT_TAPS,
        inputSize: EMBEDDED_INPUT_SIZE,
        embedding: EMBEDDED_EMBEDDING_LAYER,
        tapNormalization: EMBEDDED_TAP_NORMALIZATION,
      }),
      size: MOBILENET_V2_SIZE,
      batches: [1, 5],
    },
    // The previous configuration, for the ratio: the full network at 224 with the out_relu embedding.
    {
      model: 'mobilenet_v2 full network at 224, taps block_5_add + block_12_add, embedding out_relu',
      arch: mobileNetV2(keras, { taps: ['block_5_add', 'block_12_add'] }),
      size: 224,
      batches: [5],
      wasmOnly: true,
    },
  ];
  const runtimes: Runtime[] = [
    { name: 'onnxruntime-web wasm 1 thread', ort: ortWeb, options: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' } },
  ];
  const node = await loadNodeRuntime();
  if (typeof node === 'string') emit({ case: 'onnxruntime-node', skipped: node });
  else {
    runtimes.push({
      name: 'onnxruntime-node cpu 1 thread',
      ort: node,
      options: { executionProviders: ['cpu'], intraOpNumThreads: 1, graphOptimizationLevel: 'all' },
    });
    runtimes.push({
      name: 'onnxruntime-node cpu 2 threads',
      ort: node,
      options: { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all' },
    });
  }
  const runs = Number(process.env.BENCH_RUNS ?? 7);
  for (const { model, arch, size, batches, wasmOnly } of models) {
    for (const batch of batches) {
      const fwd = buildForwardGraph(arch, { batch, size });
      // The same network as the loss graph (taps + embedding): the forward model also
      // computes the saliency, which needs out_relu, i.e. the whole network.
      const lossNetwork: Architecture = (g, images) => {
        const { taps, embedding } = arch(g, images);
        return { taps, embedding };
      };
      const fwdSame = buildForwardGraph(lossNetwork, { batch, size });
      const loss = buildLossGraph(arch, { batch, size });
      const fwdFlops = countFlops(fwd);
      const lossFlops = countFlops(loss);
      for (const rt of wasmOnly ? runtimes.slice(0, 1) : runtimes) {
        const forward = await timeGraph(rt, fwd, runs);
        const forwardSame = await timeGraph(rt, fwdSame, runs);
        const lossT = await timeGraph(rt, loss, runs);
        const lossMs = lossT.wall;
        emit({
          case: `${model} B=${batch}`,
          runtime: rt.name,
          forwardMs: +forward.wall.toFixed(1),
          lossAndGradientMs: +lossMs.toFixed(1),
          ratio: +(lossMs / forward.wall).toFixed(2),
          forwardSameNetworkMs: +forwardSame.wall.toFixed(1),
          ratioSameNetwork: +(lossMs / forwardSame.wall).toFixed(2),
          forwardCpuMsMin: +forward.cpu.toFixed(1),
          lossAndGradientCpuMsMin: +lossT.cpu.toFixed(1),
          loadAverage1m: +loadavg()[0].toFixed(2),
          forwardGFlop: +(fwdFlops / 1e9).toFixed(3),
          forwardSameNetworkGFlop: +(countFlops(fwdSame) / 1e9).toFixed(3),
          lossAndGradientGFlop: +(lossFlops / 1e9).toFixed(3),
          lossGFlopPerS: +(lossFlops / 1e6 / lossMs).toFixed(1),
          runs,
        });
      }
    }
  }
}
