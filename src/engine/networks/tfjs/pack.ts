// A compact, self-describing file for a (trimmed) TF.js layers model, loadable without
// node_modules in the browser and in Node:
//   8 bytes  magic 'SKTFJS01'
//   4 bytes  header length n (uint32 little-endian)
//   n bytes  header: UTF-8 JSON { format, source, modelTopology, weightsManifest }
//   rest     weight bytes in manifest order, exactly as TF.js stores them (uint8/uint16
//            quantized with per-tensor min/scale, or float32): nothing is re-quantized.
// The header is a model.json, so reading goes through the same reader as the original.
import { ancestors, readLayersModel, type KerasLayer, type LayersModel, type ManifestEntry } from './layers.ts';

const MAGIC = 'SKTFJS01';
export const PACK_FORMAT = 'sketchify-tfjs-layers/1';

export interface PackSource {
  /** e.g. 'nsfwjs@4.3.0 dist/models/mobilenet_v2'. */
  origin: string;
  licence: string;
}

export interface PackedModel {
  model: LayersModel;
  source: PackSource;
}

// Keys of layer configs that only matter for training; dropped to keep the header small.
const TRAINING_ONLY = /_(initializer|regularizer|constraint)$|^trainable$|^momentum$/;

function slimLayer(l: KerasLayer): unknown {
  const config = Object.fromEntries(Object.entries(l.config).filter(([k]) => !TRAINING_ONLY.test(k)));
  return { name: l.name, class_name: l.className, config, inbound_nodes: l.inbound.length ? [l.inbound.map((n) => [n, 0, 0, {}])] : [] };
}

/** Packs the layers needed for `outputs` and their weights (a layer owns `<name>/...`). */
export function packLayersModel(model: LayersModel, outputs: readonly string[], source: PackSource): Uint8Array {
  const layers = ancestors(model, outputs);
  const owners = new Set(layers.map((l) => l.name));
  const weights: ManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const t of model.weights.values()) {
    if (!owners.has(t.name.slice(0, t.name.lastIndexOf('/')))) continue;
    const entry: ManifestEntry = { name: t.name, shape: t.shape, dtype: 'float32' };
    if (t.quantization) entry.quantization = { ...t.quantization };
    weights.push(entry);
    chunks.push(t.bytes);
  }
  const header = {
    format: PACK_FORMAT,
    source,
    modelTopology: {
      model_config: {
        class_name: 'Model',
        config: {
          layers: layers.map(slimLayer),
          input_layers: model.inputs.map((n) => [n, 0, 0]),
          output_layers: outputs.map((n) => [n, 0, 0]),
        },
      },
    },
    weightsManifest: [{ paths: ['embedded'], weights }],
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataLength = chunks.reduce((a, c) => a + c.length, 0);
  const out = new Uint8Array(12 + headerBytes.length + dataLength);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 12);
  let o = 12 + headerBytes.length;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export function unpackLayersModel(bytes: Uint8Array): PackedModel {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new Error(`Embedded model file: not a ${PACK_FORMAT} file (bad magic; rebuild with models/build-embedded.ts)`);
  }
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + n > bytes.length)
    throw new Error(`Embedded model file: header of ${n} bytes exceeds the file (${bytes.length} bytes); truncated?`);
  let header: { format?: unknown; source?: PackSource };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + n))) as typeof header;
  } catch (error) {
    throw new Error(`Embedded model file: header is not valid JSON (${(error as Error).message})`);
  }
  if (header.format !== PACK_FORMAT) throw new Error(`Embedded model file: format '${String(header.format)}', expected '${PACK_FORMAT}'`);
  return { model: readLayersModel(header, bytes.subarray(12 + n)), source: header.source! };
}
