// The safetensors container: an 8-byte little-endian header length N, N bytes of JSON
// ({name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}), then
// the data section. Offsets are relative to the data section. Parsing validates everything
// the file claims before a byte of tensor data is trusted; the writer produces files the
// reader accepts (our cache files and the tests' synthetic checkpoints).

export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export const DTYPE_BYTES: Record<SafetensorsDType, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** Real CLIP headers are ~50 KB; anything near this is not a checkpoint we want. */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;

export interface TensorEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** Byte range [begin, end) relative to the data section. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** 8 + N: where the data section starts in the file. */
  dataStart: number;
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string>;
}

/** N from the first 8 bytes, checked against the cap (and the file size when known). */
export function readHeaderLength(first8: Uint8Array, fileSize?: number): number {
  if (first8.length < 8) throw new Error(`safetensors: need 8 bytes for the header length, got ${first8.length}`);
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n < 2n) throw new Error(`safetensors: header length ${n} is too small to hold JSON`);
  if (n > BigInt(MAX_HEADER_BYTES))
    throw new Error(`safetensors: header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte cap (not a safetensors file?)`);
  const len = Number(n);
  if (fileSize !== undefined && 8 + len > fileSize)
    throw new Error(`safetensors: header length ${len} runs past the end of the ${fileSize}-byte file`);
  return len;
}

const isDType = (d: unknown): d is SafetensorsDType => typeof d === 'string' && d in DTYPE_BYTES;

/**
 * Parses and validates the JSON header. `dataBytes` (file size - 8 - N) enables the range
 * checks that need the file size: every offset inside the data section, no hole at the end.
 */
export function parseHeaderJson(json: Uint8Array, dataBytes?: number): SafetensorsHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (error) {
    throw new Error(`safetensors: header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('safetensors: header must be a JSON object');
  const tensors = new Map<string, TensorEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = checkMetadata(value);
      continue;
    }
    tensors.set(name, checkEntry(name, value));
  }
  checkLayout([...tensors.values()], dataBytes);
  return { dataStart: 8 + json.length, tensors, metadata };
}

function checkMetadata(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('safetensors: __metadata__ must be an object');
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new Error(`safetensors: __metadata__.${k} must be a string`);
  }
  return value as Record<string, string>;
}

function checkEntry(name: string, value: unknown): TensorEntry {
  const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
  if (!v || typeof v !== 'object') throw new Error(`safetensors: tensor '${name}' must be an object`);
  if (!isDType(v.dtype)) throw new Error(`safetensors: tensor '${name}' has unknown dtype ${JSON.stringify(v.dtype)}`);
  const shape = v.shape;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new Error(`safetensors: tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
  }
  const offsets = v.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isSafeInteger(o) || o < 0)) {
    throw new Error(`safetensors: tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as number[];
  const expected = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPE_BYTES[v.dtype];
  if (end < begin || end - begin !== expected) {
    throw new Error(`safetensors: tensor '${name}' spans ${end - begin} bytes but ${v.dtype}[${shape.join(',')}] needs ${expected}`);
  }
  return { name, dtype: v.dtype, shape: [...(shape as number[])], begin, end };
}

/** The data section must be indexed exactly: no overlaps, no holes (as the format requires). */
function checkLayout(entries: TensorEntry[], dataBytes?: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of sorted) {
    if (e.begin < cursor)
      throw new Error(`safetensors: tensor '${e.name}' [${e.begin}, ${e.end}) overlaps the previous tensor (ends at ${cursor})`);
    if (e.begin > cursor) throw new Error(`safetensors: hole in the data section at [${cursor}, ${e.begin}) before '${e.name}'`);
    cursor = e.end;
  }
  if (dataBytes !== undefined && cursor !== dataBytes) {
    throw new Error(`safetensors: tensors index ${cursor} bytes but the data section holds ${dataBytes}`);
  }
}

/** Header of a complete file held in memory. */
export function parseSafetensors(file: Uint8Array): SafetensorsHeader {
  const n = readHeaderLength(file, file.length);
  return parseHeaderJson(file.subarray(8, 8 + n), file.length - 8 - n);
}

const bf16Scratch = new Uint32Array(1);
const bf16View = new Float32Array(bf16Scratch.buffer);

/** F32 / F16 / BF16 little-endian bytes of one tensor as float32. */
export function toFloat32(dtype: SafetensorsDType, bytes: Uint8Array): Float32Array {
  const n = bytes.length / DTYPE_BYTES[dtype];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  if (dtype === 'F32') {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  } else if (dtype === 'F16') {
    for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  } else if (dtype === 'BF16') {
    for (let i = 0; i < n; i++) {
      bf16Scratch[0] = view.getUint16(2 * i, true) << 16;
      out[i] = bf16View[0];
    }
  } else {
    throw new Error(`safetensors: cannot convert ${dtype} to float32`);
  }
  return out;
}

/** The raw half-precision bits of an F16 tensor (for fp16 initializers without a round trip). */
export function toFloat16Bits(dtype: SafetensorsDType, bytes: Uint8Array): Uint16Array {
  if (dtype !== 'F16') throw new Error(`safetensors: tensor is ${dtype}, not F16`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint16Array.from({ length: bytes.length / 2 }, (_, i) => view.getUint16(2 * i, true));
}

function halfToFloat(h: number): number {
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export interface TensorToWrite {
  name: string;
  dtype: SafetensorsDType;
  shape: readonly number[];
  /** Little-endian bytes in `dtype`. */
  bytes: Uint8Array;
}

/**
 * The header (length prefix + JSON, space-padded to 8 bytes as the reference writer does) of a
 * file whose data section is the tensors' bytes concatenated in the given order.
 */
export function encodeHeader(tensors: readonly TensorToWrite[], metadata: Record<string, string> = {}): Uint8Array {
  const json: Record<string, unknown> = {};
  if (Object.keys(metadata).length) json.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const need = t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];
    if (t.bytes.length !== need)
      throw new Error(`encodeHeader: '${t.name}' has ${t.bytes.length} bytes, ${t.dtype}[${t.shape.join(',')}] needs ${need}`);
    if (t.name in json) throw new Error(`encodeHeader: duplicate tensor '${t.name}'`);
    json[t.name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + need] };
    offset += need;
  }
  let text = JSON.stringify(json);
  text += ' '.repeat((8 - ((new TextEncoder().encode(text).length + 8) % 8)) % 8);
  const body = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(body.length), true);
  out.set(body, 8);
  return out;
}

/** A complete safetensors file. */
export function writeSafetensors(tensors: readonly TensorToWrite[], metadata: Record<string, string> = {}): Uint8Array {
  const header = encodeHeader(tensors, metadata);
  const out = new Uint8Array(header.length + tensors.reduce((s, t) => s + t.bytes.length, 0));
  out.set(header);
  let at = header.length;
  for (const t of tensors) {
    out.set(t.bytes, at);
    at += t.bytes.length;
  }
  return out;
}

/** float32 values as little-endian F32 bytes. */
export function float32Bytes(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  return out;
}
