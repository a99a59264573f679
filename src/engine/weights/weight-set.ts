// Which tensors an architecture reads (WeightSpec), the check of a file's header against it,
// and the result of a download or a load: the selected tensors packed in file order in one
// buffer (WeightSet), whose SHA-256 is what a registry digest pins.
import { sha256HexPortable } from './sha256.ts';
import {
  DTYPE_BYTES,
  encodeHeader,
  toFloat16Bits,
  toFloat32,
  type SafetensorsDType,
  type SafetensorsHeader,
  type TensorEntry,
} from './safetensors.ts';

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export interface WeightSpec {
  /** Every tensor the architecture reads, with its exact shape. */
  tensors: ReadonlyMap<string, readonly number[]>;
  /** Names under these prefixes belong to the model; the rest of the file (text tower) is skipped. */
  prefixes: readonly string[];
  /** Names under the prefixes that may be present but are not read (e.g. BatchNorm counters). */
  ignore?: RegExp;
  /** Accepted storage dtypes of the read tensors. */
  dtypes: readonly SafetensorsDType[];
}

/** The entries `spec` reads, in file order; throws listing every mismatch (names, shapes, dtypes). */
export function selectTensors(header: SafetensorsHeader, spec: WeightSpec): TensorEntry[] {
  const problems: string[] = [];
  const selected: TensorEntry[] = [];
  for (const [name, shape] of spec.tensors) {
    const e = header.tensors.get(name);
    if (!e) problems.push(`missing tensor '${name}'`);
    else if (e.shape.length !== shape.length || e.shape.some((d, i) => d !== shape[i])) {
      problems.push(`tensor '${name}' has shape [${e.shape.join(',')}], expected [${shape.join(',')}]`);
    } else if (!spec.dtypes.includes(e.dtype)) problems.push(`tensor '${name}' has dtype ${e.dtype}, expected ${spec.dtypes.join(' or ')}`);
    else selected.push(e);
  }
  for (const name of header.tensors.keys()) {
    if (spec.tensors.has(name) || !spec.prefixes.some((p) => name.startsWith(p)) || spec.ignore?.test(name)) continue;
    problems.push(`unexpected tensor '${name}' (not part of this architecture)`);
  }
  if (problems.length) {
    const shown = problems.slice(0, 8).join('; ');
    throw new Error(`Weights do not match the architecture: ${shown}${problems.length > 8 ? `; and ${problems.length - 8} more` : ''}`);
  }
  return selected.sort((a, b) => a.begin - b.begin);
}

/** Total bytes of the selected tensors. */
export const selectedBytes = (entries: readonly TensorEntry[]): number => entries.reduce((s, e) => s + e.end - e.begin, 0);

/** Selected tensors packed in file order: entry offsets are relative to `payload`. */
export class WeightSet {
  private readonly byName: Map<string, TensorEntry>;

  constructor(
    /** Entries with begin/end rebased to `payload`, in payload order. */
    readonly entries: readonly TensorEntry[],
    readonly payload: Uint8Array,
    /** Hex SHA-256 of `payload`. */
    readonly sha256: string,
    /**
     * The repository commit the weights came from, as the server named it (Hugging Face's
     * X-Repo-Commit); undefined where no answer said (a browser cannot read the header of a
     * redirect, only of the final answer).
     */
    readonly repoCommit?: string,
  ) {
    this.byName = new Map(entries.map((e) => [e.name, e]));
    const end = entries.length ? entries[entries.length - 1].end : 0;
    if (end !== payload.length) throw new Error(`WeightSet: entries cover ${end} bytes, payload has ${payload.length}`);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  entry(name: string): TensorEntry {
    const e = this.byName.get(name);
    if (!e) throw new Error(`Weight '${name}' is not in this weight set`);
    return e;
  }

  bytes(name: string): Uint8Array {
    const e = this.entry(name);
    return this.payload.subarray(e.begin, e.end);
  }

  /** Values as float32: a zero-copy view for aligned F32 data (little-endian hosts), else converted. */
  float32(name: string): Float32Array {
    const e = this.entry(name);
    const at = this.payload.byteOffset + e.begin;
    if (e.dtype === 'F32' && LITTLE_ENDIAN && at % 4 === 0) return new Float32Array(this.payload.buffer, at, (e.end - e.begin) / 4);
    return toFloat32(e.dtype, this.bytes(name));
  }

  /** Half-precision bits when stored as F16 (usable as an fp16 initializer as is), else null. */
  float16Bits(name: string): Uint16Array | null {
    const e = this.entry(name);
    return e.dtype === 'F16' ? toFloat16Bits(e.dtype, this.bytes(name)) : null;
  }

  get parameterCount(): number {
    return this.entries.reduce((s, e) => s + (e.end - e.begin) / DTYPE_BYTES[e.dtype], 0);
  }

  /** Header of a safetensors file whose data section is `payload` (our cache file format; it keeps the commit). */
  header(metadata: Record<string, string> = {}): Uint8Array {
    return encodeHeader(
      this.entries.map((e) => ({ name: e.name, dtype: e.dtype, shape: e.shape, bytes: this.payload.subarray(e.begin, e.end) })),
      { ...metadata, payload_sha256: this.sha256, ...(this.repoCommit ? { repo_commit: this.repoCommit } : {}) },
    );
  }
}

/** Rebases file-order entries onto a packed payload. */
export function packEntries(entries: readonly TensorEntry[]): TensorEntry[] {
  let at = 0;
  return entries.map((e) => {
    const n = e.end - e.begin;
    const packed = { ...e, shape: [...e.shape], begin: at, end: at + n };
    at += n;
    return packed;
  });
}

const hex = (buf: ArrayBuffer): string => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  // Not a secure context (the plugin's blob worker in Figma's opaque-origin iframe): plain TS.
  if (!subtle) return sha256HexPortable(bytes);
  return hex(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** Throws when a known digest does not match. */
export function checkDigest(what: string, actual: string, expected: string | undefined): void {
  if (expected !== undefined && actual.toLowerCase() !== expected.toLowerCase()) {
    throw new Error(`Checksum mismatch for ${what}: SHA-256 ${actual}, expected ${expected} (corrupted or tampered download)`);
  }
}
