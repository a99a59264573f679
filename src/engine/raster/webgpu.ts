// WebGPU rasterizer: the same computation as cpu.ts (the reference) in five compute passes:
//   map      flatten + map every stroke per view      -> verts, reach boxes
//   bin      per (tile, view) list of touching strokes -> counts, lists
//   forward  per pixel product of (1 - coverage)       -> image (B x size x size)
//   backward per (stroke, tile, view) partial dL/dP    -> partial (no atomics)
//   reduce_chunks, reduce: per control-point coordinate, sum over tiles and views in two
//            passes of ~sqrt(views*tiles) terms                 -> grad_points (N x 8)
//
// One-device pipeline API (no readback inside the optimization loop):
//   forwardToBuffer(scene)   scene.points may be a GPUBuffer (N*8 f32, COPY_SRC usage, with
//                            scene.strokes = N): it is copied on the GPU into the
//                            rasterizer's own points buffer, so the caller (e.g. an Adam
//                            kernel) may update its buffer in place afterwards. Returns the
//                            image buffer (B*size*size f32, STORAGE | COPY_SRC).
//   backwardFromBuffer(grad) grad: GPUBuffer of B*size*size f32 (STORAGE) for the scene of the
//                            last forward. Returns the dL/dpoints buffer (N*8 f32,
//                            STORAGE | COPY_SRC).
// Returned buffers belong to the rasterizer: valid until the next call that grows a shape
// (more strokes, views or pixels) or dispose(); their contents are overwritten by the next
// call. Points given as a GPUBuffer are not checked for NaN (that would need a readback).
import { DEFAULT_SEGMENTS } from '../geometry/bezier.ts';
import { KERNELS, kernelSource, packParams, PARAMS_BYTES, type BufferName, type KernelName } from './kernels.ts';
import { validateScene } from './scene.ts';
import type { RasterScene, Rasterizer } from './types.ts';

export interface WebGpuRasterizerOptions {
  /** Segments per flattened stroke (default DEFAULT_SEGMENTS = 16, as the CPU reference). */
  segments?: number;
  /** Tile side in pixels = forward workgroup side (default 8: 64 invocations). */
  tileSize?: number;
}

/** A scene whose points may already live on the GPU. */
export interface GpuRasterScene extends Omit<RasterScene, 'points'> {
  points: Float32Array | GPUBuffer;
  /** Required when points is a GPUBuffer (its size may be padded). */
  strokes?: number;
}

export interface WebGpuRasterizer extends Rasterizer {
  readonly backend: 'webgpu';
  readonly device: GPUDevice;
  forwardToBuffer(scene: GpuRasterScene): GPUBuffer;
  backwardFromBuffer(gradImages: GPUBuffer): GPUBuffer;
  /** Copies `floats` f32 values out of a GPU buffer (COPY_SRC). */
  readBuffer(buffer: GPUBuffer, floats: number): Promise<Float32Array>;
}

interface Shape {
  strokes: number;
  views: number;
  size: number;
  tilesPerSide: number;
}

export async function createWebGpuRasterizer(device: GPUDevice, options: WebGpuRasterizerOptions = {}): Promise<WebGpuRasterizer> {
  const segments = options.segments ?? DEFAULT_SEGMENTS;
  const tileSize = options.tileSize ?? 8;
  if (!Number.isInteger(segments) || segments < 1) throw new Error(`segments must be a positive integer, got ${segments}`);
  if (!Number.isInteger(tileSize) || tileSize < 1 || tileSize * tileSize > device.limits.maxComputeInvocationsPerWorkgroup) {
    throw new Error(`tileSize must be an integer with tileSize^2 <= ${device.limits.maxComputeInvocationsPerWorkgroup}, got ${tileSize}`);
  }

  // Pipelines and layouts, created once per rasterizer; the layout comes from the same spec as the WGSL.
  const kernelNames = Object.keys(KERNELS) as KernelName[];
  const layouts = {} as Record<KernelName, GPUBindGroupLayout>;
  const pipelines = {} as Record<KernelName, GPUComputePipeline>;
  await Promise.all(
    kernelNames.map(async (name) => {
      const spec = KERNELS[name];
      layouts[name] = device.createBindGroupLayout({
        label: `Raster.${name}.layout`,
        entries: spec.bindings.map((b, i) => ({
          binding: i,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: b.access === 'uniform' ? 'uniform' : b.access === 'read' ? 'read-only-storage' : 'storage' },
        })),
      });
      const module = device.createShaderModule({ label: `Raster.${name}.wgsl`, code: kernelSource(spec) });
      pipelines[name] = await device.createComputePipelineAsync({
        label: `Raster.${name}`,
        layout: device.createPipelineLayout({ label: `Raster.${name}.pipelineLayout`, bindGroupLayouts: [layouts[name]] }),
        compute: { module, entryPoint: 'main', constants: { SEGMENTS: segments, TILE: tileSize } },
      });
    }),
  );

  // Read at call time, not import time: importing this module must work where WebGPU is absent.
  const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buffers = new Map<BufferName, GPUBuffer>();
  buffers.set(
    'params',
    device.createBuffer({ label: 'Raster.params', size: PARAMS_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
  );
  /** The named buffer with at least `bytes` bytes; grows (never shrinks) on demand. */
  function ensure(name: BufferName, bytes: number): GPUBuffer {
    const needed = Math.max(16, Math.ceil(bytes / 16) * 16);
    if (needed > device.limits.maxStorageBufferBindingSize) {
      throw new Error(
        `Raster.${name} needs ${needed} bytes, above this device's maxStorageBufferBindingSize ${device.limits.maxStorageBufferBindingSize}`,
      );
    }
    const current = buffers.get(name);
    if (current && current.size >= needed) return current;
    current?.destroy();
    const created = device.createBuffer({ label: `Raster.${name}`, size: needed, usage: STORAGE });
    buffers.set(name, created);
    return created;
  }
  function bindGroup(kernel: KernelName, overrides: Partial<Record<BufferName, GPUBuffer>> = {}): GPUBindGroup {
    return device.createBindGroup({
      label: `Raster.${kernel}.bindGroup`,
      layout: layouts[kernel],
      entries: KERNELS[kernel].bindings.map((b, i) => {
        const buffer = overrides[b.name] ?? buffers.get(b.name);
        if (!buffer) throw new Error(`Raster.${kernel}: buffer ${b.name} is not allocated (call forward first)`);
        return { binding: i, resource: { buffer } };
      }),
    });
  }
  function dispatch(
    encoder: GPUCommandEncoder,
    kernel: KernelName,
    x: number,
    y: number,
    z: number,
    overrides?: Partial<Record<BufferName, GPUBuffer>>,
  ): void {
    if (x === 0 || y === 0 || z === 0) return;
    const pass = encoder.beginComputePass({ label: `Raster.${kernel}.pass` });
    pass.setPipeline(pipelines[kernel]);
    pass.setBindGroup(0, bindGroup(kernel, overrides));
    pass.dispatchWorkgroups(x, y, z);
    pass.end();
  }

  function upload(buffer: GPUBuffer, data: Float32Array): void {
    // @webgpu/types wants an ArrayBuffer-backed view; a SharedArrayBuffer-backed one works the same.
    device.queue.writeBuffer(buffer, 0, data as Float32Array<ArrayBuffer>);
  }

  let shape: Shape | null = null;
  let disposed = false;
  const alive = () => {
    if (disposed) throw new Error('WebGPU rasterizer used after dispose()');
  };

  function forwardToBuffer(scene: GpuRasterScene): GPUBuffer {
    alive();
    const onGpu = !(scene.points instanceof Float32Array);
    const strokes = onGpu ? scene.strokes : (scene.points as Float32Array).length / 8;
    if (onGpu && (!Number.isInteger(strokes) || strokes! < 0 || strokes! * 32 > (scene.points as GPUBuffer).size)) {
      throw new Error(`GpuRasterScene.strokes must be given with a GPUBuffer of points, 0 <= strokes <= size/32; got ${strokes}`);
    }
    // Validate everything else through the CPU checks (points stand-in: zeros when on the GPU).
    const checked = validateScene({ ...scene, points: onGpu ? new Float32Array(strokes! * 8) : (scene.points as Float32Array) });
    const tilesPerSide = Math.ceil(checked.size / tileSize);
    const tiles = tilesPerSide * tilesPerSide;
    const s: Shape = { strokes: checked.strokes, views: checked.views, size: checked.size, tilesPerSide };
    device.queue.writeBuffer(
      buffers.get('params')!,
      0,
      packParams({
        strokes: s.strokes,
        views: s.views,
        size: s.size,
        tiles_per_side: tilesPerSide,
        width: checked.width,
        falloff: checked.falloff,
      }),
    );
    const points = ensure('points', s.strokes * 32);
    if (!onGpu) upload(points, scene.points as Float32Array);
    upload(ensure('maps', s.views * 36), scene.views);
    ensure('verts', s.views * s.strokes * (segments + 1) * 16);
    ensure('boxes', s.views * s.strokes * 16);
    ensure('counts', s.views * tiles * 4);
    ensure('lists', s.views * tiles * s.strokes * 4);
    const image = ensure('image', s.views * s.size * s.size * 4);
    const encoder = device.createCommandEncoder({ label: 'Raster.forward.encoder' });
    if (onGpu && s.strokes > 0) encoder.copyBufferToBuffer(scene.points as GPUBuffer, 0, points, 0, s.strokes * 32);
    dispatch(encoder, 'map', Math.ceil(s.strokes / 64), s.views, 1);
    dispatch(encoder, 'bin', Math.ceil(tiles / 64), s.views, 1);
    dispatch(encoder, 'forward', tilesPerSide, tilesPerSide, s.views);
    device.queue.submit([encoder.finish()]);
    shape = s;
    return image;
  }

  function backwardFromBuffer(gradImages: GPUBuffer): GPUBuffer {
    alive();
    if (!shape) throw new Error('backward() called before forward()');
    const s = shape;
    const pixels = s.views * s.size * s.size;
    if (gradImages.size < pixels * 4)
      throw new Error(`backward: gradImages buffer has ${gradImages.size} bytes, needs views*size*size*4 = ${pixels * 4}`);
    const tiles = s.tilesPerSide * s.tilesPerSide;
    ensure('partial', s.views * tiles * s.strokes * 32);
    ensure('chunk_sums', (Math.ceil(Math.sqrt(s.views * tiles)) + 1) * s.strokes * 32);
    const grad = ensure('grad_points', s.strokes * 32);
    const encoder = device.createCommandEncoder({ label: 'Raster.backward.encoder' });
    const groups = Math.ceil((s.strokes * tiles * s.views) / 64);
    const rows = Math.ceil(groups / device.limits.maxComputeWorkgroupsPerDimension);
    dispatch(encoder, 'backward', Math.ceil(groups / rows), rows, 1, { grad_image: gradImages });
    // Same chunking as the WGSL chunk_len()/chunk_count() (f32 sqrt there; an extra, empty chunk here is harmless).
    const slots = s.views * tiles;
    const chunks = Math.ceil(slots / Math.max(1, Math.floor(Math.sqrt(slots)))) + 1;
    dispatch(encoder, 'reduce_chunks', Math.ceil((s.strokes * 8) / 64), chunks, 1);
    dispatch(encoder, 'reduce', Math.ceil((s.strokes * 8) / 64), 1, 1);
    device.queue.submit([encoder.finish()]);
    return grad;
  }

  async function readBuffer(buffer: GPUBuffer, floats: number): Promise<Float32Array> {
    alive();
    if (floats === 0) return new Float32Array(0);
    const staging = device.createBuffer({
      label: 'Raster.readback',
      size: floats * 4,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    try {
      const encoder = device.createCommandEncoder({ label: 'Raster.readback.encoder' });
      encoder.copyBufferToBuffer(buffer, 0, staging, 0, floats * 4);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      return new Float32Array(staging.getMappedRange().slice(0));
    } finally {
      staging.destroy();
    }
  }

  return {
    backend: 'webgpu',
    device,
    forwardToBuffer,
    backwardFromBuffer,
    readBuffer,
    async forward(scene: RasterScene): Promise<Float32Array> {
      const image = forwardToBuffer(scene);
      return readBuffer(image, shape!.views * shape!.size * shape!.size);
    },
    async backward(gradImages: Float32Array): Promise<Float32Array> {
      alive();
      if (!shape) throw new Error('backward() called before forward()');
      const pixels = shape.views * shape.size * shape.size;
      if (gradImages.length !== pixels) throw new Error(`backward: gradImages length ${gradImages.length} != views*size*size = ${pixels}`);
      const gradBuffer = ensure('grad_image', pixels * 4);
      upload(gradBuffer, gradImages);
      return readBuffer(backwardFromBuffer(gradBuffer), shape.strokes * 8);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const buffer of buffers.values()) buffer.destroy();
      buffers.clear();
      shape = null;
    },
  };
}
