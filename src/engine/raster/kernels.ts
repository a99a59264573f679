// The WebGPU rasterizer's passes, one file each under wgsl/ (WGSL as strings: imports work
// unchanged in vitest, tsx and esbuild), in dispatch order.
import { BACKWARD } from './wgsl/backward.ts';
import { BIN } from './wgsl/bin.ts';
import { FORWARD } from './wgsl/forward.ts';
import { MAP } from './wgsl/map.ts';
import { REDUCE, REDUCE_CHUNKS } from './wgsl/reduce.ts';

export { kernelSource, packParams, PARAMS_BYTES, PARAM_FIELDS, type BufferName, type KernelSpec, type ParamName } from './wgsl/common.ts';

export const KERNELS = { map: MAP, bin: BIN, forward: FORWARD, backward: BACKWARD, reduce_chunks: REDUCE_CHUNKS, reduce: REDUCE };
export type KernelName = keyof typeof KERNELS;
