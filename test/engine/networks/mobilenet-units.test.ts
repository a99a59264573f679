// Units of the embedded-model path: the bundle parser, the TF.js weight reader and its
// dequantization, BatchNorm folding and padding in the graph emitter (tiny Keras models vs
// the unfolded plain-TS reference), and the packed file format.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_FILE_BYTES } from '../../../models/embedded-mobilenetv2.ts';
import { findModel } from '../../../models/registry.ts';
import { readNsfwjsMobileNetV2 } from '../../../models/build-embedded.ts';
import { Graph } from '../../../src/engine/compiler/graph.ts';
import { decodeBase64, parseModelBundle, parseShardBundle } from '../../../src/engine/networks/tfjs/bundle.ts';
import { emitKerasModel, samePads } from '../../../src/engine/networks/tfjs/graph.ts';
import {
  dequantize,
  readLayersModel,
  readWeights,
  type LayersModel,
  type ManifestEntry,
} from '../../../src/engine/networks/tfjs/layers.ts';
import { packLayersModel, unpackLayersModel } from '../../../src/engine/networks/tfjs/pack.ts';
import { kerasForward } from '../../helpers/keras-reference.ts';
import { embeddedModelBytes, hwcToChw, relativeMaxError } from '../../helpers/mobilenet-fixtures.ts';
import { randomArray, runOrt, seeded } from '../../helpers/nn-check.ts';

describe('nsfwjs bundle parser', () => {
  it('reads the minified literal subset without executing it', () => {
    const src = 'x(function(){a.exports={k:"a\\"b",n:[.5,-1e-3,2,!0,!1,null],"q":{z:[]}}},{}]';
    expect(parseModelBundle(src)).toEqual({ k: 'a"b', n: [0.5, -0.001, 2, true, false, null], q: { z: [] } });
    expect(() => parseModelBundle('module.exports = 1')).toThrow(/exports=\{/);
    expect(() => parseModelBundle('a.exports={k:}')).toThrow(/expected a value at offset/);
  });

  it('decodes base64 like Buffer and finds the shard literal', () => {
    const bytes = Uint8Array.from(randomArray(101, 7), (v) => Math.floor((v + 1) * 127.9));
    for (const n of [0, 1, 2, 3, 100, 101]) {
      const b64 = Buffer.from(bytes.subarray(0, n)).toString('base64');
      expect(Buffer.from(decodeBase64(b64)).equals(Buffer.from(bytes.subarray(0, n)))).toBe(true);
      expect(Buffer.from(parseShardBundle(`h.exports="${b64}"},{}]`)).equals(Buffer.from(bytes.subarray(0, n)))).toBe(true);
    }
    expect(() => decodeBase64('ab!d')).toThrow(/invalid character/);
    expect(() => parseShardBundle('nothing here')).toThrow(/base64/);
  });
});

describe('TF.js weight reader', () => {
  const manifest = (weights: ManifestEntry[]): { paths: string[]; weights: ManifestEntry[] }[] => [{ paths: ['s'], weights }];

  it('dequantizes uint8 and uint16 as min + scale * q, and reads float32 as is', () => {
    const f32 = new Uint8Array(Float32Array.of(1.5, -2).buffer);
    const u16 = new Uint8Array(Uint16Array.of(0, 1000).buffer);
    const data = Uint8Array.from([0, 1, 4, 255, ...u16, ...f32]);
    const w = readWeights(
      manifest([
        { name: 'a/q8', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 0.5 } },
        { name: 'a/q16', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', min: 2, scale: 0.25 } },
        { name: 'a/f', shape: [2], dtype: 'float32' },
      ]),
      data,
    );
    expect([...dequantize(w.get('a/q8')!)]).toEqual([-1, -0.5, 1, 126.5]);
    expect([...dequantize(w.get('a/q16')!)]).toEqual([2, 252]);
    expect([...dequantize(w.get('a/f')!)]).toEqual([1.5, -2]);
  });

  it('rejects sizes that do not add up and unsupported dtypes', () => {
    const e: ManifestEntry = { name: 'a/k', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 1 } };
    expect(() => readWeights(manifest([e]), new Uint8Array(3))).toThrow(/needs bytes 0\.\.4 but the shards hold 3/);
    expect(() => readWeights(manifest([e]), new Uint8Array(5))).toThrow(/covers 4 bytes, shards hold 5/);
    expect(() => readWeights(manifest([{ ...e, quantization: { dtype: 'float16' } }]), new Uint8Array(8))).toThrow(
      /float16 is not supported/,
    );
    expect(() => readWeights(manifest([{ ...e, dtype: 'int32', quantization: undefined }]), new Uint8Array(16))).toThrow(/int32/);
  });

  it('gives exactly the values TF.js decodes from the real nsfwjs shard', () => {
    const { model } = readNsfwjsMobileNetV2();
    const names = ['Conv1/kernel', 'bn_Conv1/moving_variance', 'block_5_depthwise/depthwise_kernel', 'Conv_1/kernel', 'dense_3/bias'];
    for (const name of names) {
      const t = model.weights.get(name)!;
      const spec = { name, shape: t.shape, dtype: 'float32' as const, quantization: t.quantization };
      const decoded = tf.io.decodeWeights(t.bytes.slice().buffer, [spec]);
      expect(Buffer.from(dequantize(t).buffer).equals(Buffer.from(decoded[name].dataSync().buffer)), name).toBe(true);
      tf.dispose(decoded[name]);
    }
  });
});

/** A tiny Keras model with random uint8-quantized weights, in the nsfwjs layer vocabulary. */
function tinyKeras(): LayersModel {
  const layers: unknown[] = [];
  const weights: ManifestEntry[] = [];
  const chunks: number[] = [];
  const rand = seeded(42);
  const add = (name: string, cls: string, config: Record<string, unknown>, inbound: string[]): void => {
    layers.push({
      name,
      class_name: cls,
      config: { name, ...config },
      inbound_nodes: inbound.length ? [inbound.map((n) => [n, 0, 0, {}])] : [],
    });
  };
  const weight = (name: string, shape: number[], min: number, scale: number): void => {
    weights.push({ name, shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale } });
    for (let i = 0; i < shape.reduce((a, b) => a * b, 1); i++) chunks.push(Math.floor((rand() + 1) * 127.99));
  };
  const bn = (name: string, c: number, after: string, eps: number): void => {
    add(name, 'BatchNormalization', { axis: -1, epsilon: eps, center: true, scale: true }, [after]);
    weight(`${name}/gamma`, [c], 0.5, 0.004);
    weight(`${name}/beta`, [c], -0.5, 0.004);
    weight(`${name}/moving_mean`, [c], -0.3, 0.003);
    weight(`${name}/moving_variance`, [c], 0.2, 0.01);
  };
  const conv = { data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear' };
  add('input_1', 'InputLayer', { batch_input_shape: [null, 9, 9, 3] }, []);
  add(
    'pad',
    'ZeroPadding2D',
    {
      padding: [
        [0, 1],
        [0, 1],
      ],
    },
    ['input_1'],
  );
  add('c1', 'Conv2D', { ...conv, filters: 8, kernel_size: [3, 3], strides: [2, 2], padding: 'valid', use_bias: false }, ['pad']);
  weight('c1/kernel', [3, 3, 3, 8], -0.5, 0.004);
  bn('c1_bn', 8, 'c1', 1e-3);
  add('c1_relu', 'ReLU', { max_value: 6, negative_slope: 0, threshold: 0 }, ['c1_bn']);
  // depthwise, multiplier 2, stride 2 'same' on 4x4: TF pads 0 before and 1 after
  add('dw', 'DepthwiseConv2D', { ...conv, kernel_size: [3, 3], strides: [2, 2], padding: 'same', use_bias: false, depth_multiplier: 2 }, [
    'c1_relu',
  ]);
  weight('dw/depthwise_kernel', [3, 3, 8, 2], -0.6, 0.005);
  bn('dw_bn', 16, 'dw', 1e-5);
  add('dw_relu', 'ReLU', { max_value: 6, negative_slope: 0, threshold: 0 }, ['dw_bn']);
  add('pw', 'Conv2D', { ...conv, filters: 16, kernel_size: [1, 1], strides: [1, 1], padding: 'same', use_bias: true }, ['dw_relu']);
  weight('pw/kernel', [1, 1, 16, 16], -0.3, 0.0025);
  weight('pw/bias', [16], -0.2, 0.002);
  bn('pw_bn', 16, 'pw', 1e-3);
  add('sum', 'Add', {}, ['pw_bn', 'dw_relu']);
  const json = {
    modelTopology: {
      model_config: { class_name: 'Model', config: { layers, input_layers: [['input_1', 0, 0]], output_layers: [['sum', 0, 0]] } },
    },
    weightsManifest: [{ paths: ['s'], weights }],
  };
  return readLayersModel(json, Uint8Array.from(chunks));
}

describe('Keras graph emitter', () => {
  it('folded BatchNorm, merged ZeroPadding2D and TF same padding equal the unfolded reference', async () => {
    const model = tinyKeras();
    const image = randomArray(9 * 9 * 3, 3, 1.5, 0.5);
    const outs = ['c1_relu', 'dw_relu', 'sum'];
    const ref = kerasForward(model, image, [9, 9, 3], outs);
    const g = new Graph('tiny');
    const x = g.input('images', [1, 3, 9, 9]);
    const y = emitKerasModel(g, model, x, { outputs: outs });
    for (const n of outs) g.output(y[n], n);
    const got = await runOrt(g, { images: Float32Array.from(hwcToChw(image, 9, 9, 3)) });
    for (const n of outs) {
      const [h, w, c] = ref[n].shape;
      expect(got[n]).toHaveLength(h * w * c);
      expect(relativeMaxError(got[n], hwcToChw(ref[n].data, h, w, c)), n).toBeLessThan(1e-6);
    }
    // no Pad and no BatchNormalization survive: 3 convs carry it all
    expect(g.nodes.filter((n) => n.op.type === 'Conv')).toHaveLength(3);
    expect(g.nodes.some((n) => n.op.type === 'Pad')).toBe(false);
  });

  it('keeps BatchNorm apart when its conv is an output, and names what it cannot emit', async () => {
    const model = tinyKeras();
    const g = new Graph('tiny');
    const image = randomArray(9 * 9 * 3, 4, 1.5, 0.5);
    const out = emitKerasModel(g, model, g.input('images', [1, 3, 9, 9]), { outputs: ['c1', 'c1_bn'] });
    g.output(out.c1, 'c1');
    g.output(out.c1_bn, 'c1_bn');
    const got = await runOrt(g, { images: Float32Array.from(hwcToChw(image, 9, 9, 3)) });
    const ref = kerasForward(model, image, [9, 9, 3], ['c1', 'c1_bn']);
    for (const n of ['c1', 'c1_bn']) expect(relativeMaxError(got[n], hwcToChw(ref[n].data, 4, 4, 8)), n).toBeLessThan(1e-6);
    expect(g.nodes.filter((n) => n.op.type === 'Conv')).toHaveLength(1);
    const g2 = new Graph('unsupported');
    const renamed = { ...model, layers: model.layers.map((l) => (l.name === 'sum' ? { ...l, className: 'Multiply' } : l)) };
    expect(() => emitKerasModel(g2, renamed, g2.input('i', [1, 3, 9, 9]), { outputs: ['sum'] })).toThrow(/class Multiply is not supported/);
  });

  it('computes TensorFlow same padding', () => {
    expect(samePads([5, 5], [3, 3], [2, 2], [1, 1])).toEqual([1, 1, 1, 1]);
    expect(samePads([224, 224], [3, 3], [2, 2], [1, 1])).toEqual([0, 0, 1, 1]);
    expect(samePads([14, 14], [3, 3], [1, 1], [1, 1])).toEqual([1, 1, 1, 1]);
    expect(samePads([7, 7], [1, 1], [1, 1], [1, 1])).toEqual([0, 0, 0, 0]);
  });
});

describe('packed model file', () => {
  it('round-trips a model and keeps only the ancestors of the outputs', () => {
    const model = tinyKeras();
    const packed = unpackLayersModel(packLayersModel(model, ['dw_relu'], { origin: 'test', licence: 'MIT' }));
    expect(packed.source).toEqual({ origin: 'test', licence: 'MIT' });
    expect(packed.model.layers.map((l) => l.name)).toEqual(['input_1', 'pad', 'c1', 'c1_bn', 'c1_relu', 'dw', 'dw_bn', 'dw_relu']);
    expect([...packed.model.weights.keys()].every((k) => !k.startsWith('pw'))).toBe(true);
    expect([...dequantize(packed.model.weights.get('dw/depthwise_kernel')!)]).toEqual([
      ...dequantize(model.weights.get('dw/depthwise_kernel')!),
    ]);
  });

  it('rejects foreign, truncated and damaged files with a clear message', () => {
    const bytes = packLayersModel(tinyKeras(), ['sum'], { origin: 'test', licence: 'MIT' });
    expect(() => unpackLayersModel(new Uint8Array(20))).toThrow(/bad magic/);
    expect(() => unpackLayersModel(bytes.subarray(0, 40))).toThrow(/truncated/);
    expect(() => unpackLayersModel(bytes.subarray(0, bytes.length - 1))).toThrow(/needs bytes \d+\.\.\d+ but the shards hold/);
    const broken = bytes.slice();
    broken[13] = 0x7b; // '{' inside the JSON header
    expect(() => unpackLayersModel(broken)).toThrow(/not valid JSON/);
  });

  it('the built embedded file has the size the registry states and is the registry entry', () => {
    expect(embeddedModelBytes().length).toBe(EMBEDDED_FILE_BYTES);
    const entry = findModel('embedded');
    expect(entry.architecture).toBe('mobilenet_v2');
    expect(entry.notes).toMatch(/not CLIP/i);
  });
});
