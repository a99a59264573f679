// A loss-and-gradient session that lives on one GPUDevice shared with our kernels
// (docs/design.md "Platform facts"): onnxruntime-web's webgpu build with `executionProviders: [{name: 'webgpu',
// device}]`, every input bound with Tensor.fromGpuBuffer, outputs left on the GPU
// (preferredOutputLocation 'gpu-buffer'). Target features of a whole augmentation pool are
// uploaded once; each iteration gathers the batch's targets with GPU buffer copies.
// Pass the `onnxruntime-web/webgpu` module: the default build ignores `device` and a foreign
// buffer then silently reads as zeros (test/engine/optimize/pipeline-browser.test.ts guards against that).
import type * as Ort from 'onnxruntime-web';
import type { Tensor as GraphTensor } from '../compiler/graph.ts';
import { buildLossGraph, type Architecture } from '../networks/loss-graph.ts';
import { gradScaleFor, type Precision } from '../compiler/mixed-precision.ts';
import { serializeModel } from '../compiler/onnx.ts';
import type { GpuLoss, LossWeights, OrtModule, TargetFeatures } from './types.ts';

export interface GpuLossSessionOptions {
  ort: OrtModule;
  device: GPUDevice;
  id: string;
  architecture: Architecture;
  /** Input side S. */
  size: number;
  /** B: views per call (seeds x views per seed). */
  batch: number;
  /** Arithmetic of the graph (default: float16 where the device has shader-f16, else float32). */
  precision?: Precision;
}

/** The precision a loss session on `device` runs at by default: half where shaders can. */
export const defaultGpuPrecision = (device: GPUDevice): Precision => (device.features.has('shader-f16') ? 'float16' : 'float32');

export interface GpuLossOutputs {
  /** Scalar loss, f32 (ORT-owned; valid until release()). */
  loss: GPUBuffer;
  /** dLoss/dViews, B x S x S f32 (ORT-owned; valid until release()). */
  gradViews: GPUBuffer;
  /** Hands the output buffers back to ORT; call after the work reading them is submitted. */
  release(): void;
}

interface InputSlot {
  name: string;
  shape: number[];
  floats: number;
  buffer: GPUBuffer;
  tensor: Ort.Tensor;
}

export class GpuLossSession implements GpuLoss {
  readonly batch: number;
  readonly size: number;
  readonly taps: readonly string[];
  readonly precision: Precision;
  private poolBuffers = new Map<string, GPUBuffer>();
  private poolSize = 0;
  private viewsFeed: { buffer: GPUBuffer; tensor: Ort.Tensor } | null = null;

  private constructor(
    readonly id: string,
    private readonly ort: OrtModule,
    private readonly device: GPUDevice,
    private readonly session: Ort.InferenceSession,
    /** target_<name> and w_<name> inputs, on GPU buffers we own. */
    private readonly slots: Map<string, InputSlot>,
    size: number,
    batch: number,
    precision: Precision,
  ) {
    this.precision = precision;
    this.size = size;
    this.batch = batch;
    this.taps = [...slots.keys()].filter((n) => n.startsWith('w_') && n !== 'w_semantic').map((n) => n.slice(2));
  }

  static async create({
    ort,
    device,
    id,
    architecture,
    size,
    batch,
    precision = defaultGpuPrecision(device),
  }: GpuLossSessionOptions): Promise<GpuLossSession> {
    if (precision === 'float16' && !device.features.has('shader-f16'))
      throw new Error(`${id}: a float16 loss session needs a device created with the shader-f16 feature`);
    const graph = buildLossGraph(architecture, { batch, size }, { gradScale: gradScaleFor(precision) });
    const session = await ort.InferenceSession.create(
      serializeModel(graph, `${id} loss B=${batch} (webgpu, ${precision})`, { precision }),
      {
        // NCHW: the EP's default NHWC miscomputes some convs in ORT-web 1.30 (test/engine/models/model-webgpu-browser.test.ts).
        executionProviders: [{ name: 'webgpu', preferredLayout: 'NCHW', device } as Ort.InferenceSession.ExecutionProviderConfig],
        preferredOutputLocation: 'gpu-buffer',
        graphOptimizationLevel: 'all',
      },
    );
    const slots = new Map<string, InputSlot>();
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    for (const t of graph.inputs as GraphTensor[]) {
      if (t.name === 'views') continue;
      const shape = [...t.shape];
      const floats = shape.reduce((a, b) => a * b, 1);
      const buffer = device.createBuffer({ label: `LossSession.${t.name}`, size: Math.max(16, Math.ceil((floats * 4) / 16) * 16), usage });
      const tensor = ort.Tensor.fromGpuBuffer(buffer, { dataType: 'float32', dims: shape });
      slots.set(t.name, { name: t.name, shape, floats, buffer, tensor });
    }
    return new GpuLossSession(id, ort, device, session, slots, size, batch, precision);
  }

  /** Writes the loss weights (unknown taps are an error; missing ones weigh 0). */
  setWeights(weights: LossWeights): void {
    for (const tap of Object.keys(weights.geometric)) {
      if (!this.taps.includes(tap)) throw new Error(`${this.id}: unknown tap '${tap}' in weights (taps: ${this.taps.join(', ')})`);
    }
    for (const tap of this.taps) this.write(`w_${tap}`, Float32Array.of(weights.geometric[tap] ?? 0));
    this.write('w_semantic', Float32Array.of(weights.semantic));
  }

  /** Uploads the target features of a pool of P views (TargetFeatures with batch P), once. */
  setTargetPool(pool: TargetFeatures): void {
    for (const b of this.poolBuffers.values()) b.destroy();
    this.poolBuffers.clear();
    for (const slot of this.targetSlots()) {
      const name = slot.name.slice('target_'.length);
      const data = pool.tensors[name];
      const per = slot.floats / this.batch;
      if (!data || data.length !== per * pool.batch) {
        throw new Error(`${this.id}: target pool '${name}' needs ${pool.batch} x ${per} values, got ${data?.length ?? 'none'}`);
      }
      const buffer = this.device.createBuffer({
        label: `LossSession.pool.${name}`,
        size: Math.ceil(data.byteLength / 16) * 16,
        usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      this.device.queue.writeBuffer(buffer, 0, data as Float32Array<ArrayBuffer>);
      this.poolBuffers.set(slot.name, buffer);
    }
    this.poolSize = pool.batch;
  }

  /** Records the copies that put pool entries `indices` (length B) into the batch targets. */
  selectTargets(encoder: GPUCommandEncoder, indices: readonly number[]): void {
    if (indices.length !== this.batch) throw new Error(`${this.id}: selectTargets needs ${this.batch} indices, got ${indices.length}`);
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= this.poolSize) throw new Error(`${this.id}: pool index ${i} outside [0, ${this.poolSize})`);
    }
    for (const slot of this.targetSlots()) {
      const pool = this.poolBuffers.get(slot.name)!;
      const bytes = (slot.floats / this.batch) * 4;
      indices.forEach((p, b) => encoder.copyBufferToBuffer(pool, p * bytes, slot.buffer, b * bytes, bytes));
    }
  }

  /** Runs the graph on `views` (B x 1 x S x S f32, STORAGE); outputs stay on the GPU. */
  async run(views: GPUBuffer): Promise<GpuLossOutputs> {
    if (this.poolSize === 0) throw new Error(`${this.id}: setTargetPool() before run()`);
    const floats = this.batch * this.size * this.size;
    if (views.size < floats * 4) throw new Error(`${this.id}: views buffer has ${views.size} bytes, needs ${floats * 4}`);
    if (this.viewsFeed?.buffer !== views) {
      const tensor = this.ort.Tensor.fromGpuBuffer(views, { dataType: 'float32', dims: [this.batch, 1, this.size, this.size] });
      this.viewsFeed = { buffer: views, tensor };
    }
    const feeds: Record<string, Ort.Tensor> = { views: this.viewsFeed.tensor };
    for (const slot of this.slots.values()) feeds[slot.name] = slot.tensor;
    const out = await this.session.run(feeds, ['loss', 'grad_views']);
    const loss = out.loss,
      grad = out.grad_views;
    if (loss.location !== 'gpu-buffer' || grad.location !== 'gpu-buffer') {
      throw new Error(`${this.id}: outputs came back on '${loss.location}', not the GPU: is this the onnxruntime-web/webgpu build?`);
    }
    return { loss: loss.gpuBuffer as GPUBuffer, gradViews: grad.gpuBuffer as GPUBuffer, release: () => (loss.dispose(), grad.dispose()) };
  }

  async dispose(): Promise<void> {
    await this.session.release();
    for (const b of [...this.poolBuffers.values(), ...[...this.slots.values()].map((s) => s.buffer)]) b.destroy();
    this.poolBuffers.clear();
    this.viewsFeed = null;
  }

  private targetSlots(): InputSlot[] {
    return [...this.slots.values()].filter((s) => s.name.startsWith('target_'));
  }

  private write(name: string, data: Float32Array): void {
    const slot = this.slots.get(name);
    if (!slot) throw new Error(`${this.id}: the loss graph has no input '${name}'`);
    this.device.queue.writeBuffer(slot.buffer, 0, data as Float32Array<ArrayBuffer>);
  }
}
