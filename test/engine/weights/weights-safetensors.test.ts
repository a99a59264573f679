// The safetensors reader and writer, tensor selection against an architecture's exact layout,
// dtype conversion, loading from bytes on disk, and the per-session memory cache.
import { describe, expect, it } from 'vitest';
import { clipResNetSpec } from '../../../src/engine/networks/clip-resnet.ts';
import { clipVitSpec } from '../../../src/engine/networks/clip-vit.ts';
import { loadWeightsFromBytes } from '../../../src/engine/weights/load.ts';
import { MemoryCache } from '../../../src/engine/weights/memory-cache.ts';
import {
  encodeHeader,
  MAX_HEADER_BYTES,
  parseSafetensors,
  readHeaderLength,
  toFloat32,
  writeSafetensors,
} from '../../../src/engine/weights/safetensors.ts';
import { selectTensors, sha256Hex } from '../../../src/engine/weights/weight-set.ts';
import { TINY_RN, TINY_VIT, tinyResNetFile, tinyVitFile } from '../../helpers/clip-weights.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A file from a raw JSON header and a data section of `dataBytes` bytes. */
function rawFile(json: string, dataBytes: number): Uint8Array {
  const body = enc(json);
  const out = new Uint8Array(8 + body.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(body.length), true);
  out.set(body, 8);
  return out;
}

describe('safetensors header', () => {
  it('round-trips names, dtypes, shapes, offsets and metadata; header padded to 8 bytes', () => {
    const file = writeSafetensors(
      [
        { name: 'a', dtype: 'F32', shape: [2, 3], bytes: new Uint8Array(24).fill(1) },
        { name: 'b', dtype: 'F16', shape: [5], bytes: new Uint8Array(10) },
        { name: 'c', dtype: 'I64', shape: [], bytes: new Uint8Array(8) },
      ],
      { format: 'pt' },
    );
    const h = parseSafetensors(file);
    expect(h.dataStart % 8).toBe(0);
    expect(h.metadata).toEqual({ format: 'pt' });
    expect([...h.tensors.values()]).toEqual([
      { name: 'a', dtype: 'F32', shape: [2, 3], begin: 0, end: 24 },
      { name: 'b', dtype: 'F16', shape: [5], begin: 24, end: 34 },
      { name: 'c', dtype: 'I64', shape: [], begin: 34, end: 42 },
    ]);
    expect(file.length).toBe(h.dataStart + 42);
  });

  it.each([
    ['a length beyond the cap', () => readHeaderLength(new Uint8Array(new BigUint64Array([BigInt(MAX_HEADER_BYTES + 1)]).buffer))],
    ['a length past the end of the file', () => parseSafetensors(new Uint8Array(new BigUint64Array([100n]).buffer))],
    ['too few bytes', () => readHeaderLength(new Uint8Array(4))],
    ['invalid JSON', () => parseSafetensors(rawFile('{"a": ', 0))],
    ['a non-object header', () => parseSafetensors(rawFile('[1,2]', 0))],
    ['an unknown dtype', () => parseSafetensors(rawFile('{"a":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}', 1))],
    ['a negative dimension', () => parseSafetensors(rawFile('{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', 4))],
    [
      'a size that does not match dtype x shape',
      () => parseSafetensors(rawFile('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', 4)),
    ],
    [
      'overlapping tensors',
      () =>
        parseSafetensors(
          rawFile('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8),
        ),
    ],
    ['a hole in the data section', () => parseSafetensors(rawFile('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8))],
    ['offsets past the end of the file', () => parseSafetensors(rawFile('{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', 8))],
    ['a non-string metadata value', () => parseSafetensors(rawFile('{"__metadata__":{"x":1}}', 0))],
  ])('rejects %s', (_what, run) => {
    expect(run).toThrow(/safetensors/);
  });

  it('converts F32, F16 and BF16 to float32', () => {
    const f32 = new Uint8Array(Float32Array.of(1.5, -2, 1e-3).buffer);
    expect(Array.from(toFloat32('F32', f32))).toEqual(Array.from(Float32Array.of(1.5, -2, 1e-3)));
    // 0x3c00 = 1, 0xc000 = -2, 0x7bff = 65504, 0x0001 = 2^-24
    const f16 = new Uint8Array(Uint16Array.of(0x3c00, 0xc000, 0x7bff, 0x0001).buffer);
    expect(Array.from(toFloat32('F16', f16))).toEqual([1, -2, 65504, 2 ** -24]);
    // bf16 = top half of a float32: 0x3fc0 = 1.5, 0xc040 = -3
    const bf16 = new Uint8Array(Uint16Array.of(0x3fc0, 0xc040).buffer);
    expect(Array.from(toFloat32('BF16', bf16))).toEqual([1.5, -3]);
    expect(() => toFloat32('I64', new Uint8Array(8))).toThrow(/cannot convert I64/);
  });
});

describe('tensor selection against the architectures', () => {
  it('selects exactly visual.* of an open_clip file (skipping text tower and num_batches_tracked)', () => {
    const spec = clipResNetSpec(TINY_RN);
    const entries = selectTensors(parseSafetensors(tinyResNetFile()), spec);
    expect(entries.map((e) => e.name).sort()).toEqual([...spec.tensors.keys()].sort());
    expect(entries.every((e, i) => i === 0 || e.begin >= entries[i - 1].end)).toBe(true);
  });

  it('selects exactly visual.* of an open_clip ViT file (the packed attention projection, not the text tower)', () => {
    const spec = clipVitSpec(TINY_VIT);
    const names = selectTensors(parseSafetensors(tinyVitFile()), spec).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['visual.proj', 'visual.transformer.resblocks.0.attn.in_proj_weight']));
    expect(names).not.toContain('transformer.resblocks.0.attn.in_proj_weight');
    expect(names).toHaveLength(spec.tensors.size);
  });

  it('rejects wrong shapes, missing and unexpected tensors, and wrong dtypes, naming each', () => {
    const spec = clipResNetSpec(TINY_RN);
    const wrong = clipResNetSpec({ ...TINY_RN, outputDim: 7 });
    expect(() => selectTensors(parseSafetensors(tinyResNetFile()), wrong)).toThrow(
      /visual\.attnpool\.c_proj\.weight' has shape \[6,256\], expected \[7,256\]/,
    );
    const deeper = clipResNetSpec({ ...TINY_RN, layers: [1, 3, 1, 1] });
    expect(() => selectTensors(parseSafetensors(tinyResNetFile()), deeper)).toThrow(/missing tensor 'visual\.layer2\.2\.conv1\.weight'/);
    const shallower = clipResNetSpec({ ...TINY_RN, layers: [1, 1, 1, 1] });
    expect(() => selectTensors(parseSafetensors(tinyResNetFile()), shallower)).toThrow(/unexpected tensor 'visual\.layer2\.1\.bn1\.bias'/);
    expect(() => selectTensors(parseSafetensors(tinyResNetFile()), { ...spec, dtypes: ['F16'] })).toThrow(/has dtype F32, expected F16/);
  });
});

describe('loading weights from bytes (a file picked from disk)', () => {
  it('loads F32, F16 and BF16 files into the same float32 values (within the dtype precision)', async () => {
    const spec = clipVitSpec(TINY_VIT);
    const ref = await loadWeightsFromBytes(tinyVitFile(), spec);
    const name = 'visual.transformer.resblocks.1.mlp.c_fc.weight';
    for (const [dtype, tol] of [
      ['F16', 1e-3],
      ['BF16', 8e-3],
    ] as const) {
      const set = await loadWeightsFromBytes(tinyVitFile({ dtype }), spec);
      const a = set.float32(name);
      ref.float32(name).forEach((v, i) => expect(Math.abs(a[i] - v)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v))));
      expect(set.float16Bits(name) !== null).toBe(dtype === 'F16');
    }
    expect(ref.parameterCount).toBe([...spec.tensors.values()].reduce((s, sh) => s + sh.reduce((a, b) => a * b, 1), 0));
  });

  it('enforces the payload digest and the whole-file digest when given', async () => {
    const spec = clipResNetSpec(TINY_RN);
    const file = tinyResNetFile();
    const set = await loadWeightsFromBytes(file, spec);
    await expect(loadWeightsFromBytes(file, spec, { sha256: set.sha256, fileSha256: await sha256Hex(file) })).resolves.toBeDefined();
    await expect(loadWeightsFromBytes(file, spec, { sha256: '0'.repeat(64) })).rejects.toThrow(/Checksum mismatch/);
    await expect(loadWeightsFromBytes(file, spec, { fileSha256: 'f'.repeat(64) })).rejects.toThrow(/Checksum mismatch/);
  });

  it('re-reads its own cache format and detects a corrupted cache file', async () => {
    const spec = clipResNetSpec(TINY_RN);
    const set = await loadWeightsFromBytes(tinyResNetFile(), spec);
    const header = set.header({ model: 'tiny' });
    const cacheFile = new Uint8Array(header.length + set.payload.length);
    cacheFile.set(header);
    cacheFile.set(set.payload, header.length);
    const again = await loadWeightsFromBytes(cacheFile, spec);
    expect(again.sha256).toBe(set.sha256);
    expect(Array.from(again.float32('visual.conv1.weight'))).toEqual(Array.from(set.float32('visual.conv1.weight')));
    cacheFile[cacheFile.length - 3] ^= 0x40;
    await expect(loadWeightsFromBytes(cacheFile, spec, { source: 'cache' })).rejects.toThrow(/cache \(its recorded payload_sha256\)/);
  });

  it('rejects a file of another architecture and a non-safetensors file', async () => {
    await expect(loadWeightsFromBytes(tinyVitFile(), clipResNetSpec(TINY_RN), { source: 'vit.safetensors' })).rejects.toThrow(
      /vit\.safetensors: Weights do not match.*missing tensor 'visual\./,
    );
    await expect(loadWeightsFromBytes(enc('PK\u0003\u0004 this is a zip file'), clipResNetSpec(TINY_RN))).rejects.toThrow(/header length/);
  });

  it('encodeHeader refuses inconsistent input', () => {
    expect(() => encodeHeader([{ name: 'a', dtype: 'F32', shape: [2], bytes: new Uint8Array(4) }])).toThrow(/needs 8/);
  });
});

describe('MemoryCache', () => {
  it('shares one in-flight promise per key and forgets failures', async () => {
    const cache = new MemoryCache<number>();
    let calls = 0;
    const make = async (): Promise<number> => ++calls;
    const [a, b] = await Promise.all([cache.getOrCreate('m', make), cache.getOrCreate('m', make)]);
    expect([a, b, calls]).toEqual([1, 1, 1]);
    await expect(cache.getOrCreate('bad', () => Promise.reject(new Error('offline')))).rejects.toThrow('offline');
    await Promise.resolve();
    expect(cache.has('bad')).toBe(false);
    cache.set('disk', 42);
    expect(await cache.getOrCreate('disk', make)).toBe(42);
    expect(cache.keys().sort()).toEqual(['disk', 'm']);
  });
});
