// Synthetic checkpoints with the exact key layout of the CLIP towers (tiny dimensions):
// seeded random values scaled by fan-in, positive BatchNorm variances, plus tensors a real
// file also holds and we must skip (text tower, int64 buffers). Tensors are ordered as the
// reference Python writer orders them (dtype size descending, then name).
import { CLIP_RN50, type ClipResNetConfig, clipResNetSpec } from '../../src/engine/networks/clip-resnet.ts';
import { type ClipVitConfig, clipVitSpec } from '../../src/engine/networks/clip-vit.ts';
import {
  DTYPE_BYTES,
  float32Bytes,
  writeSafetensors,
  type SafetensorsDType,
  type TensorToWrite,
} from '../../src/engine/weights/safetensors.ts';
import { toHalfBits } from '../../src/engine/compiler/fp16.ts';
import type { WeightSpec } from '../../src/engine/weights/weight-set.ts';
import { seeded } from './nn-check.ts';

export const TINY_RN: ClipResNetConfig = { layers: [1, 2, 1, 1], width: 8, heads: 4, outputDim: 6, imageSize: 64 };
export const TINY_VIT: ClipVitConfig = { width: 16, layers: 3, heads: 2, patch: 8, imageSize: 32, outputDim: 6 };
export { CLIP_RN50 };

function values(name: string, shape: readonly number[], rand: () => number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const fanIn = shape.length >= 2 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
  if (name.endsWith('running_var')) return Float32Array.from({ length: n }, () => 0.5 + 0.5 * Math.abs(rand()));
  if (/(bn\d|downsample\.1|ln_\w+)\.weight$/.test(name)) return Float32Array.from({ length: n }, () => 1 + 0.2 * rand());
  const scale = name.includes('embedding') ? 0.3 : shape.length >= 2 ? 1.5 / Math.sqrt(fanIn) : 0.1;
  return Float32Array.from({ length: n }, () => rand() * scale);
}

function encode(data: Float32Array, dtype: SafetensorsDType): Uint8Array {
  if (dtype === 'F32') return float32Bytes(data);
  const out = new Uint8Array(data.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (dtype === 'F16') view.setUint16(2 * i, toHalfBits(data[i]), true);
    else view.setUint16(2 * i, new Uint32Array(Float32Array.of(data[i]).buffer)[0] >>> 16, true); // BF16 (truncated)
  }
  return out;
}

export interface SyntheticOptions {
  seed?: number;
  dtype?: SafetensorsDType;
  /** Tensors outside the tower (and skipped buffers) a real checkpoint also contains. */
  extras?: TensorToWrite[];
  /** Zero-filled data instead of random values (full-size shape checks). */
  zeros?: boolean;
}

/** A complete safetensors file holding every tensor of `spec`, plus `extras`. */
export function syntheticCheckpoint(spec: WeightSpec, o: SyntheticOptions = {}): Uint8Array {
  const rand = seeded(o.seed ?? 7);
  const dtype = o.dtype ?? 'F32';
  const tensors: TensorToWrite[] = [...spec.tensors].map(([name, shape]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return { name, dtype, shape, bytes: o.zeros ? new Uint8Array(n * DTYPE_BYTES[dtype]) : encode(values(name, shape, rand), dtype) };
  });
  tensors.push(...(o.extras ?? []));
  tensors.sort((a, b) => DTYPE_BYTES[b.dtype] - DTYPE_BYTES[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return writeSafetensors(tensors, { format: 'pt' });
}

const i64 = (name: string, values: number[]): TensorToWrite => ({
  name,
  dtype: 'I64',
  shape: [values.length],
  bytes: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer),
});
const f32 = (name: string, shape: number[]): TensorToWrite => ({
  name,
  dtype: 'F32',
  shape,
  bytes: new Uint8Array(shape.reduce((a, b) => a * b, 1) * 4).fill(3),
});

/** The text tower of an open_clip file, in miniature (names the image towers must not take). */
export const OPEN_CLIP_TEXT_EXTRAS = (): TensorToWrite[] => [
  f32('logit_scale', []),
  f32('positional_embedding', [4, 8]),
  f32('text_projection', [8, 6]),
  f32('transformer.resblocks.0.attn.in_proj_weight', [24, 8]),
];

/** The non-visual part of an open_clip ResNet file, plus the BatchNorm counter it skips. */
export const OPEN_CLIP_EXTRAS = (): TensorToWrite[] => [...OPEN_CLIP_TEXT_EXTRAS(), i64('visual.bn1.num_batches_tracked', [0])];

export const tinyResNetFile = (o: SyntheticOptions = {}): Uint8Array =>
  syntheticCheckpoint(clipResNetSpec(TINY_RN), { extras: OPEN_CLIP_EXTRAS(), ...o });
export const tinyVitFile = (o: SyntheticOptions = {}): Uint8Array =>
  syntheticCheckpoint(clipVitSpec(TINY_VIT), { extras: OPEN_CLIP_TEXT_EXTRAS(), ...o });
