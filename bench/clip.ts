// `npm run bench -- clip`: where the time goes between "weights at hand" and "ready" for a
// full-size CLIP RN50 (synthetic random weights with the real names/shapes/dtypes, F32 as
// published): verifying the file, building the forward and loss graphs (autodiff included),
// serializing them, ORT session creation (wasm one thread as in the Figma iframe; node when
// its binary is present) and the first run. BENCH_CLIP=rn101 for RN101.
import * as ortWeb from 'onnxruntime-web';
import type { Emit } from './run.ts';
import {
  CLIP_RN101,
  CLIP_RN50,
  clipResNetSpec,
  buildForwardGraph,
  buildLossGraph,
  type Graph,
  serializeModel,
  clipModelSpec,
  clipWeightsFromBytes,
} from '../src/engine/index.ts';
import { syntheticCheckpoint } from '../test/helpers/clip-weights.ts';

ortWeb.env.wasm.numThreads = 1;
type OrtLike = Pick<typeof ortWeb, 'InferenceSession' | 'Tensor'>;

const ms = (t0: number): number => +(performance.now() - t0).toFixed(0);

async function nodeOrt(): Promise<OrtLike | undefined> {
  try {
    return (await import('onnxruntime-node')) as unknown as OrtLike;
  } catch {
    return undefined;
  }
}

function feeds(ort: OrtLike, g: Graph): Record<string, ortWeb.Tensor> {
  return Object.fromEntries(g.inputs.map((t) => [t.name, new ort.Tensor('float32', new Float32Array(t.size).fill(0.5), [...t.shape])]));
}

export async function run(emit: Emit): Promise<void> {
  const which = process.env.BENCH_CLIP === 'rn101' ? 'rn101' : 'rn50';
  const config = which === 'rn101' ? CLIP_RN101 : CLIP_RN50;
  const only = (process.env.BENCH_CLIP_RUNTIMES ?? 'wasm,node').split(',');
  let t = performance.now();
  const file = syntheticCheckpoint(clipResNetSpec(config));
  emit({ case: `clip-${which} synthetic file`, ms: ms(t), mb: +(file.length / 1e6).toFixed(1) });
  const entry = { id: `clip-${which}`, clip: { kind: 'resnet' as const, config }, source: { url: '' } };
  t = performance.now();
  const weights = await clipWeightsFromBytes(entry, file, 'bench');
  emit({ case: `clip-${which} verify file (parse, select, copy, SHA-256)`, ms: ms(t) });
  const runtimes: { name: string; ort: OrtLike; options: ortWeb.InferenceSession.SessionOptions }[] = [];
  if (only.includes('wasm'))
    runtimes.push({
      name: 'onnxruntime-web wasm 1 thread',
      ort: ortWeb,
      options: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' },
    });
  const node = only.includes('node') ? await nodeOrt() : undefined;
  if (node)
    runtimes.push({
      name: 'onnxruntime-node cpu',
      ort: node,
      options: { executionProviders: ['cpu'], intraOpNumThreads: 1, graphOptimizationLevel: 'all' },
    });
  for (const storage of ['float32', 'float16'] as const) {
    const arch = clipModelSpec(entry.id, entry.clip, weights, { storage }).architecture;
    for (const [kind, batch] of [
      ['forward', 1],
      ['loss', 5],
    ] as const) {
      t = performance.now();
      const graph = kind === 'forward' ? buildForwardGraph(arch, { batch, size: 224 }) : buildLossGraph(arch, { batch, size: 224 });
      const buildMs = ms(t);
      t = performance.now();
      const bytes = serializeModel(graph);
      const serializeMs = ms(t);
      const base = { storage, nodes: graph.nodes.length, buildMs, serializeMs, modelMb: +(bytes.length / 1e6).toFixed(1) };
      for (const rt of runtimes) {
        t = performance.now();
        const session = await rt.ort.InferenceSession.create(bytes, rt.options);
        const createMs = ms(t);
        t = performance.now();
        await session.run(feeds(rt.ort, graph));
        const firstRunMs = ms(t);
        t = performance.now();
        await session.run(feeds(rt.ort, graph));
        emit({ case: `clip-${which} ${kind} B=${batch}`, runtime: rt.name, ...base, createMs, firstRunMs, secondRunMs: ms(t) });
        await session.release();
      }
    }
  }
}
