// The embedded MobileNetV2 against TF.js running nsfwjs's own model, loaded the official way
// (nsfwjs.load('MobileNetV2'), CPU backend), on a real photo: (1) our plain-TS Keras reference
// over the packed weights (unfolded BN, NHWC, float64) at the taps and the NSFW logits, which
// validates the reader and the reference; (2) our ONNX graph (folded BN, NCHW, float32, ORT
// wasm) at the taps, out_relu and the pooled embedding.
import * as tf from '@tensorflow/tfjs';
import * as nsfwjs from 'nsfwjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mobileNetV2 } from '../../../src/engine/networks/mobilenet-v2.ts';
import { buildForwardGraph, tapOutput } from '../../../src/engine/networks/loss-graph.ts';
import { readLayersModel } from '../../../src/engine/networks/tfjs/layers.ts';
import { unpackLayersModel } from '../../../src/engine/networks/tfjs/pack.ts';
import { readNsfwjsMobileNetV2 } from '../../../models/build-embedded.ts';
import { kerasForward } from '../../helpers/keras-reference.ts';
import { embeddedModelBytes, hwcToChw, photo, relativeMaxError } from '../../helpers/mobilenet-fixtures.ts';
import { runOrt } from '../../helpers/nn-check.ts';

const TAPS = ['block_2_add', 'block_5_add', 'block_12_add', 'block_15_add'];
// float32 arithmetic in a different order (folded BN, other conv kernels) against TF.js:
// errors measured ~2e-6 of each tensor's range (block_2_add); 1e-4 leaves margin and still catches any
// wrong weight, layout or padding (those give errors of order 1e-1).
const TOL = 1e-4;

describe('embedded MobileNetV2 vs TF.js (nsfwjs)', () => {
  const image = photo('chelsea');
  const S = image.size;
  let tfOut: Record<string, { shape: number[]; data: Float32Array }>;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const net = await nsfwjs.load('MobileNetV2');
    const layers = net.model as tf.LayersModel;
    const names = [...TAPS, 'out_relu', 'flatten_1', 'dense_3'];
    const probe = tf.model({ inputs: layers.inputs, outputs: names.map((n) => layers.getLayer(n).output as tf.SymbolicTensor) });
    const outs = probe.predict(tf.tensor4d(image.hwc, [1, S, S, 3])) as tf.Tensor[];
    tfOut = {};
    for (const [i, n] of names.entries())
      tfOut[n] = { shape: outs[i].shape.slice(1) as number[], data: (await outs[i].data()) as Float32Array };
    tf.dispose(outs);
  }, 120_000);

  it('the packed file holds the backbone up to out_relu with nsfwjs weights byte for byte', () => {
    const { model, source } = unpackLayersModel(embeddedModelBytes());
    const full = readNsfwjsMobileNetV2().model;
    expect(source.origin).toMatch(/^nsfwjs@\d+\.\d+\.\d+ dist\/models\/mobilenet_v2$/);
    expect(model.layers.at(-1)!.name).toBe('out_relu');
    expect(model.layers.some((l) => l.className === 'Dense')).toBe(false);
    expect(model.weights.size).toBe(260); // 52 conv kernels + 52 BatchNorms x 4 (no biases), no head
    for (const [name, t] of model.weights) {
      const orig = full.weights.get(name)!;
      // JSON turns a min of -0 into 0: the same dequantized values
      expect({ ...t.quantization!, min: t.quantization!.min + 0 }).toEqual({ ...orig.quantization!, min: orig.quantization!.min + 0 });
      expect(Buffer.from(t.bytes).equals(Buffer.from(orig.bytes))).toBe(true);
    }
  });

  it('plain-TS Keras reference equals TF.js at the taps and the NSFW logits', () => {
    const full = readNsfwjsMobileNetV2().model;
    const ref = kerasForward(full, image.hwc, [S, S, 3], [...TAPS, 'flatten_1', 'dense_3']);
    for (const n of [...TAPS, 'flatten_1', 'dense_3']) {
      expect(ref[n].data.length, n).toBe(tfOut[n].data.length);
      expect(relativeMaxError(ref[n].data, tfOut[n].data), n).toBeLessThan(TOL);
    }
    // the classifier's probabilities sum to 1: the head ran to the end
    expect(ref.dense_3.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('ONNX forward (folded BN, ORT wasm) equals TF.js at the taps, out_relu and the embedding', async () => {
    const { model } = unpackLayersModel(embeddedModelBytes());
    const arch = mobileNetV2(model, { taps: [...TAPS, 'out_relu'].filter((t) => t !== 'out_relu') });
    const graph = buildForwardGraph(arch, { batch: 1, size: S });
    const out = await runOrt(graph, { images: image.chw });
    for (const n of TAPS) {
      const [h, w, c] = tfOut[n].shape;
      expect(relativeMaxError(out[tapOutput(n)], hwcToChw(tfOut[n].data, h, w, c)), n).toBeLessThan(TOL);
    }
    // nsfwjs pools out_relu with AveragePooling2D(7) + Flatten: our global average pool
    expect(out.embedding).toHaveLength(1280);
    expect(relativeMaxError(out.embedding, tfOut.flatten_1.data)).toBeLessThan(TOL);
    // the embedding is far from trivial: many active channels
    expect(out.embedding.filter((v) => v > 0.01).length).toBeGreaterThan(100);
  }, 60_000);

  it('the reader accepts the original model.json + shard as well as the packed file', () => {
    const full = readNsfwjsMobileNetV2().model;
    expect(full.outputs).toEqual(['dense_3']);
    expect(full.layers.find((l) => l.name === 'bn_Conv1')!.config.epsilon).toBe(0.001);
    expect(() => readLayersModel({ modelTopology: {}, weightsManifest: [] }, new Uint8Array(0))).toThrow(/model_config/);
  });
});
