// The same compiled ONNX (tiny networks: loss-and-gradient and forward with attention) gives
// the same results in onnxruntime-web wasm (Node) and in the webgpu EP in headless Chromium
// (SwiftShader). Tolerance: |webgpu - wasm| <= 1e-4 + 2e-3 * max|wasm| per output (float32,
// different summation orders).
// The webgpu EP runs with preferredLayout 'NCHW': with its default NHWC layout, ORT-web 1.30
// on SwiftShader computes a plain 3x3 Conv with 6 input and 4 or 8 output channels wrongly
// (found by this test; the last case pins it so a fix or a regression shows).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../../src/engine/compiler/graph.ts';
import { buildForwardGraph, buildLossGraph } from '../../../src/engine/networks/loss-graph.ts';
import { serializeModel } from '../../../src/engine/compiler/onnx.ts';
import { loadOrtInPage, openBrowserPage, type BrowserSession } from '../../helpers/browser.ts';
import { randomArray, runOrt } from '../../helpers/nn-check.ts';
import { tinyConvNet, tinyTransformer } from '../../helpers/tiny-archs.ts';
import { gradients } from '../../../src/engine/compiler/autodiff.ts';
import { Graph as GraphClass } from '../../../src/engine/compiler/graph.ts';
import { conv, mul, reduceSum } from '../../../src/engine/compiler/index.ts';
import { OP_CASES } from '../compiler/nn-op-cases.ts';

/** All op cases side by side (inputs c<k>_x<i>), outputs y and input gradients per case. */
function allOpCases(): Graph {
  const g = new GraphClass('op-cases');
  OP_CASES.forEach((c, k) => {
    const xs = c.inputs.map((s, i) => g.input(`c${k}_x${i}`, s.shape, { requiresGrad: true }));
    const y = c.build(g, xs);
    g.output(y, `c${k}_y`);
    // R is an input, not a constant, so ORT cannot fold the backward of linear ops away.
    const loss = reduceSum(mul(y, g.input(`c${k}_R`, y.shape)));
    gradients(loss, xs).forEach((d, i) => g.output(d, `c${k}_grad_x${i}`));
  });
  return g;
}

interface PageRun {
  outputs?: Record<string, number[]>;
  error?: string;
}

function feedsFor(g: Graph, seed: number): Record<string, Float32Array> {
  const feeds: Record<string, Float32Array> = {};
  g.inputs.forEach((t, i) => {
    feeds[t.name] = t.name.startsWith('w_') ? Float32Array.of(0.8) : randomArray(t.size, seed + i, 0.5, 0.5);
  });
  return feeds;
}

describe('onnxruntime-web wasm (Node) vs webgpu EP (Chromium)', () => {
  let session: BrowserSession;
  beforeAll(async () => {
    session = await openBrowserPage();
    await loadOrtInPage(session.page);
  });
  afterAll(async () => {
    await session?.close();
  });

  async function runInPage(g: Graph, feeds: Record<string, Float32Array>, layout: 'NCHW' | 'NHWC' = 'NCHW'): Promise<PageRun> {
    const model = Array.from(serializeModel(g));
    const inputs = g.inputs.map((t) => ({ name: t.name, dims: [...t.shape], data: Array.from(feeds[t.name]) }));
    return session.page.evaluate(
      async ({ model, inputs, layout }) => {
        try {
          const ort = (window as unknown as { ort: typeof import('onnxruntime-web') }).ort;
          const s = await ort.InferenceSession.create(new Uint8Array(model), {
            executionProviders: [{ name: 'webgpu', preferredLayout: layout }],
          });
          const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
          for (const i of inputs) feeds[i.name] = new ort.Tensor('float32', Float32Array.from(i.data), i.dims);
          const out = await s.run(feeds);
          const outputs: Record<string, number[]> = {};
          for (const [k, v] of Object.entries(out)) outputs[k] = Array.from(v.data as Float32Array);
          await s.release();
          return { outputs };
        } catch (e) {
          return { error: String(e) };
        }
      },
      { model, inputs, layout },
    );
  }

  const cases: [string, () => Graph][] = [
    ['every op case with its gradients, in one graph', allOpCases],
    ['conv net loss-and-gradient B=2', () => buildLossGraph(tinyConvNet, { batch: 2, size: 12 })],
    ['transformer forward with saliency B=2', () => buildForwardGraph(tinyTransformer, { batch: 2, size: 8 })],
    ['transformer loss-and-gradient B=1', () => buildLossGraph(tinyTransformer, { batch: 1, size: 8 })],
  ];

  it.each(cases)('%s', async (_name, make) => {
    const g = make();
    const feeds = feedsFor(g, 40);
    const wasm = await runOrt(g, feeds);
    const gpu = await runInPage(g, feeds);
    expect(gpu.error, session.logs.join('\n')).toBeUndefined();
    for (const o of g.outputs) {
      const ref = wasm[o.name];
      const got = gpu.outputs![o.name];
      expect(got, o.name).toHaveLength(ref.length);
      let scale = 0;
      for (const v of ref) scale = Math.max(scale, Math.abs(v));
      const label = o.name.startsWith('c') ? `${OP_CASES[Number(o.name.slice(1).split('_')[0])]?.name}: ${o.name}` : o.name;
      ref.forEach((v, i) => expect(Math.abs(got[i] - v), `${label}[${i}]`).toBeLessThanOrEqual(1e-4 + 2e-3 * scale));
    }
  });

  it('NHWC layout (the EP default) miscomputes a 6->4 channel 3x3 Conv; NCHW does not', async () => {
    const g = new GraphClass('conv6to4');
    const x = g.input('x', [1, 6, 6, 6]);
    g.output(conv(x, g.weight('w', randomArray(4 * 6 * 9, 1, 0.4), [4, 6, 3, 3]), null, { pads: [1, 1, 1, 1] }), 'y');
    const feeds = { x: randomArray(216, 2) };
    const ref = (await runOrt(g, feeds)).y;
    const maxErr = async (layout: 'NCHW' | 'NHWC'): Promise<number> => {
      const r = await runInPage(g, feeds, layout);
      expect(r.error).toBeUndefined();
      return Math.max(...ref.map((v, i) => Math.abs(r.outputs!.y[i] - v)));
    };
    expect(await maxErr('NCHW')).toBeLessThan(1e-5);
    expect(await maxErr('NHWC')).toBeGreaterThan(1e-2);
  });
});
