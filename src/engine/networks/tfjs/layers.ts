// TF.js layers-model reader: the Keras functional topology (model.json `modelTopology`) and the
// weights (`weightsManifest` + concatenated shard bytes), kept in their stored form (uint8 or
// uint16 quantized with a per-tensor min/scale, or float32) until a layer asks for floats.

export interface KerasLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** Names of the layers feeding this one (Keras functional models: one inbound node). */
  inbound: string[];
}

export interface Quantization {
  dtype: 'uint8' | 'uint16';
  min: number;
  scale: number;
}

export interface StoredTensor {
  name: string;
  shape: number[];
  /** Raw bytes as stored (quantized integers or little-endian float32). */
  bytes: Uint8Array;
  quantization?: Quantization;
}

export interface LayersModel {
  layers: KerasLayer[];
  inputs: string[];
  outputs: string[];
  /** Weight tensors by their manifest name, e.g. `Conv1/kernel`, `bn_Conv1/moving_mean`. */
  weights: Map<string, StoredTensor>;
}

/** The parts of a model.json we read. */
export interface ModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: ManifestEntry[] }[];
}

export interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min?: number; scale?: number };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function field<T>(obj: unknown, key: string, check: (v: unknown) => v is T, where: string): T {
  const v = isObject(obj) ? obj[key] : undefined;
  if (!check(v)) throw new Error(`TF.js model: ${where}.${key} is missing or malformed`);
  return v;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

/** Reads model.json (already parsed) and the concatenation of its shards, in manifest order. */
export function readLayersModel(json: unknown, weightData: Uint8Array): LayersModel {
  const topology = field(json, 'modelTopology', isObject, 'model.json');
  const modelConfig = field(topology, 'model_config', isObject, 'modelTopology');
  const className = field(modelConfig, 'class_name', isString, 'model_config');
  if (className !== 'Model' && className !== 'Functional') {
    throw new Error(`TF.js model: only functional Keras models are supported, got '${className}'`);
  }
  const config = field(modelConfig, 'config', isObject, 'model_config');
  const layers = field(config, 'layers', isArray, 'model_config.config').map(readLayer);
  const names = (key: string): string[] => field(config, key, isArray, 'model_config.config').map((e) => String((e as unknown[])[0]));
  const manifest = field(json, 'weightsManifest', isArray, 'model.json') as ModelJson['weightsManifest'];
  return { layers, inputs: names('input_layers'), outputs: names('output_layers'), weights: readWeights(manifest, weightData) };
}

function readLayer(raw: unknown, index: number): KerasLayer {
  const where = `layers[${index}]`;
  const name = field(raw, 'name', isString, where);
  const className = field(raw, 'class_name', isString, where);
  const config = field(raw, 'config', isObject, where);
  const nodes = field(raw, 'inbound_nodes', isArray, where);
  if (nodes.length > 1) throw new Error(`TF.js model: layer '${name}' is shared (${nodes.length} inbound nodes), not supported`);
  const inbound = nodes.length === 0 ? [] : (nodes[0] as unknown[][]).map((e) => String(e[0]));
  return { name, className, config, inbound };
}

const BYTES: Record<string, number> = { uint8: 1, uint16: 2, float32: 4 };

/** Splits the weight bytes per manifest entry; validates dtypes and that sizes add up exactly. */
export function readWeights(manifest: ModelJson['weightsManifest'], data: Uint8Array): Map<string, StoredTensor> {
  const out = new Map<string, StoredTensor>();
  let offset = 0;
  for (const group of manifest) {
    for (const e of group.weights) {
      if (e.dtype !== 'float32') throw new Error(`TF.js weight '${e.name}': dtype ${e.dtype} is not supported (float32 only)`);
      const q = e.quantization;
      if (q && q.dtype !== 'uint8' && q.dtype !== 'uint16') {
        throw new Error(`TF.js weight '${e.name}': quantization ${q.dtype} is not supported (uint8, uint16 with min/scale)`);
      }
      if (q && (typeof q.min !== 'number' || typeof q.scale !== 'number')) {
        throw new Error(`TF.js weight '${e.name}': quantization lacks min/scale`);
      }
      const count = e.shape.reduce((a, b) => a * b, 1);
      const length = count * BYTES[q ? q.dtype : e.dtype];
      if (offset + length > data.length) {
        throw new Error(`TF.js weights: '${e.name}' needs bytes ${offset}..${offset + length} but the shards hold ${data.length}`);
      }
      const tensor: StoredTensor = { name: e.name, shape: [...e.shape], bytes: data.subarray(offset, offset + length) };
      if (q) tensor.quantization = { dtype: q.dtype as Quantization['dtype'], min: q.min!, scale: q.scale! };
      out.set(e.name, tensor);
      offset += length;
    }
  }
  if (offset !== data.length) throw new Error(`TF.js weights: manifest covers ${offset} bytes, shards hold ${data.length}`);
  return out;
}

/** Float values of a stored tensor: min + scale * q for quantized ones (TF.js's own rule). */
export function dequantize(t: StoredTensor): Float32Array {
  const { bytes, quantization: q } = t;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!q) {
    const out = new Float32Array(bytes.byteLength / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  if (q.dtype === 'uint8') {
    // A plain loop: Float32Array.from with a map callback was most of the embedded model's
    // load time (1.1 s of each graph build on a busy 2-core machine, cpu profile).
    const out = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) out[i] = q.min + q.scale * bytes[i];
    return out;
  }
  const out = new Float32Array(bytes.byteLength / 2);
  for (let i = 0; i < out.length; i++) out[i] = q.min + q.scale * view.getUint16(i * 2, true);
  return out;
}

/** The weights of one layer, by suffix (`kernel`, `gamma`, ...), dequantized. */
export function layerWeight(model: LayersModel, layer: string, suffix: string): Float32Array {
  const t = model.weights.get(`${layer}/${suffix}`);
  if (!t) throw new Error(`TF.js model: weight '${layer}/${suffix}' is missing`);
  return dequantize(t);
}

/** `layers` needed to compute `outputs` (ancestors included), in their original order. */
export function ancestors(model: LayersModel, outputs: readonly string[]): KerasLayer[] {
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const keep = new Set<string>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (keep.has(name)) continue;
    const layer = byName.get(name);
    if (!layer) throw new Error(`TF.js model: no layer named '${name}'`);
    keep.add(name);
    stack.push(...layer.inbound);
  }
  return model.layers.filter((l) => keep.has(l.name));
}
