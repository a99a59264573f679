// LossModel over onnxruntime-web sessions. Graphs are compiled from an Architecture on first
// use: one forward session per batch size and one loss-and-gradient session per batch size.
import type * as Ort from 'onnxruntime-web';
import { buildForwardGraph, buildLossGraph, checkTapNames, tapOutput, type Architecture } from '../networks/loss-graph.ts';
import { gradScaleFor, type Precision } from '../compiler/mixed-precision.ts';
import { serializeModel } from '../compiler/onnx.ts';
import { concatFloat32 } from './float32.ts';
import { GpuLossSession } from './gpu-loss-session.ts';
import { channelEnergy, minMaxNormalize, resizeBilinear } from './saliency.ts';
import type { GpuLoss, LossModel, LossResult, LossWeights, OrtModule, TargetFeatures } from './types.ts';

export interface OnnxModelSpec {
  id: string;
  /** Input side S. */
  size: number;
  architecture: Architecture;
  defaultWeights: LossWeights;
}

export interface OnnxLossModelOptions {
  ort: OrtModule;
  /**
   * Defaults to the wasm execution provider with all graph optimizations. For the webgpu EP
   * pass `{ name: 'webgpu', preferredLayout: 'NCHW' }`: its default NHWC layout miscomputes
   * some convs in ORT-web 1.30 (test/engine/models/model-webgpu-browser.test.ts).
   */
  sessionOptions?: Ort.InferenceSession.SessionOptions;
  /**
   * Largest batch of one forward run (default: any). Every distinct batch size is its own
   * session holding its own copy of the weights; 1 keeps a single forward session.
   */
  maxForwardBatch?: number;
  /**
   * The `onnxruntime-web/webgpu` module (it may be the same object as `ort`): enables
   * createGpuLossSession, the one-device WebGPU loop. Not the default build: it ignores a
   * foreign GPUDevice and reads our buffers as zeros (gpu-loss-session.ts).
   */
  webgpuOrt?: OrtModule;
  /** Reported as LossModel.runtime (the CLI says which CPU runtime it chose). */
  runtimeName?: string;
  /**
   * Arithmetic of the loss-and-gradient graph on this model's own runtime (default float32).
   * 'float16' is what the GPU loss session runs on shader-f16 adapters; on a CPU it is slower
   * (casts around float32 kernels) and serves to measure the half-precision loss's effect.
   */
  lossPrecision?: Precision;
}

export async function createOnnxLossModel(spec: OnnxModelSpec, options: OnnxLossModelOptions): Promise<OnnxLossModel> {
  const model = new OnnxLossModel(spec, options);
  await model.forwardSession(1); // compiles once: validates the architecture and learns the taps
  return model;
}

export class OnnxLossModel implements LossModel {
  readonly id: string;
  readonly size: number;
  readonly defaultWeights: LossWeights;
  readonly runtime?: string;
  taps: readonly string[] = [];
  private readonly ort: OrtModule;
  private readonly sessionOptions: Ort.InferenceSession.SessionOptions;
  private readonly lossPrecision: Precision;
  private readonly maxForwardBatch: number;
  /** Present when the model was given the webgpu build of onnxruntime-web (options.webgpuOrt). */
  readonly createGpuLossSession?: (device: GPUDevice, batch: number, precision?: Precision) => Promise<GpuLoss>;
  private readonly forward = new Map<number, Promise<Ort.InferenceSession>>();
  private readonly loss = new Map<number, Promise<Ort.InferenceSession>>();
  /** Shape of each forward output at batch 1. */
  private outputShapes = new Map<string, readonly number[]>();

  constructor(
    private readonly spec: OnnxModelSpec,
    options: OnnxLossModelOptions,
  ) {
    this.id = spec.id;
    this.size = spec.size;
    this.defaultWeights = spec.defaultWeights;
    this.runtime = options.runtimeName;
    this.ort = options.ort;
    this.maxForwardBatch = options.maxForwardBatch ?? Infinity;
    this.lossPrecision = options.lossPrecision ?? 'float32';
    if (!(this.maxForwardBatch >= 1)) throw new Error(`maxForwardBatch must be >= 1, got ${options.maxForwardBatch}`);
    this.sessionOptions = options.sessionOptions ?? { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
    const webgpuOrt = options.webgpuOrt;
    if (webgpuOrt) {
      this.createGpuLossSession = (device, batch, precision) =>
        GpuLossSession.create({ ort: webgpuOrt, device, id: spec.id, architecture: spec.architecture, size: spec.size, batch, precision });
    }
  }

  forwardSession(batch: number): Promise<Ort.InferenceSession> {
    checkBatch(batch);
    let s = this.forward.get(batch);
    if (!s) {
      const graph = buildForwardGraph(this.spec.architecture, { batch, size: this.size });
      if (batch === 1) {
        this.taps = graph.outputs.filter((o) => o.name.startsWith('tap_')).map((o) => o.name.slice(4));
        checkTapNames(this.taps);
        this.outputShapes = new Map(graph.outputs.map((o) => [o.name, o.shape]));
      }
      s = this.ort.InferenceSession.create(serializeModel(graph, `${this.id} forward B=${batch}`), this.sessionOptions);
      this.forward.set(batch, s);
    }
    return s;
  }

  lossSession(batch: number): Promise<Ort.InferenceSession> {
    checkBatch(batch);
    let s = this.loss.get(batch);
    if (!s) {
      const precision = this.lossPrecision;
      const graph = buildLossGraph(this.spec.architecture, { batch, size: this.size }, { gradScale: gradScaleFor(precision) });
      s = this.ort.InferenceSession.create(
        serializeModel(graph, `${this.id} loss B=${batch} ${precision}`, { precision }),
        this.sessionOptions,
      );
      this.loss.set(batch, s);
    }
    return s;
  }

  private rgb(data: Float32Array, batch: number, what: string): Ort.Tensor {
    const n = batch * 3 * this.size * this.size;
    if (data.length !== n) throw new Error(`${what}: expected ${batch}x3x${this.size}x${this.size} = ${n} values, got ${data.length}`);
    return new this.ort.Tensor('float32', data, [batch, 3, this.size, this.size]);
  }

  /** Runs the forward model in chunks of at most `maxForwardBatch` images and concatenates. */
  async targetFeatures(images: Float32Array, batch: number): Promise<TargetFeatures> {
    checkBatch(batch);
    this.rgb(images, batch, 'targetFeatures');
    const names = ['embedding', ...this.taps];
    const parts: Record<string, Float32Array[]> = Object.fromEntries(names.map((n) => [n, []]));
    const per = 3 * this.size * this.size;
    for (let start = 0; start < batch; start += this.maxForwardBatch) {
      const b = Math.min(this.maxForwardBatch, batch - start);
      const chunk = images.subarray(start * per, (start + b) * per);
      const out = await (await this.forwardSession(b)).run({ images: this.rgb(chunk, b, 'targetFeatures') });
      for (const n of names) parts[n].push(out[n === 'embedding' ? n : tapOutput(n)].data as Float32Array);
    }
    const tensors: Record<string, Float32Array> = {};
    for (const n of names) tensors[n] = parts[n].length === 1 ? parts[n][0] : concatFloat32(parts[n]);
    return { batch, tensors };
  }

  async lossAndGradient(views: Float32Array, targets: TargetFeatures, weights: LossWeights): Promise<LossResult> {
    const { batch } = targets;
    const s = this.size;
    if (views.length !== batch * s * s) {
      throw new Error(`lossAndGradient: expected ${batch} views of ${s}x${s} = ${batch * s * s} values, got ${views.length}`);
    }
    for (const tap of Object.keys(weights.geometric)) {
      if (!this.taps.includes(tap)) throw new Error(`lossAndGradient: unknown tap '${tap}' in weights (taps: ${this.taps.join(', ')})`);
    }
    const T = this.ort.Tensor;
    const feeds: Record<string, Ort.Tensor> = { views: new T('float32', views, [batch, 1, s, s]) };
    for (const name of [...this.taps, 'embedding']) {
      const data = targets.tensors[name];
      const shape = [batch, ...this.outputShapes.get(name === 'embedding' ? name : tapOutput(name))!.slice(1)];
      const expected = shape.reduce((a, b) => a * b, 1);
      if (!data || data.length !== expected) {
        throw new Error(`lossAndGradient: target '${name}' needs ${expected} values for batch ${batch}, got ${data?.length ?? 'none'}`);
      }
      feeds[`target_${name}`] = new T('float32', data, shape);
    }
    for (const tap of this.taps) feeds[`w_${tap}`] = new T('float32', Float32Array.of(weights.geometric[tap] ?? 0), []);
    feeds.w_semantic = new T('float32', Float32Array.of(weights.semantic), []);
    const out = await (await this.lossSession(batch)).run(feeds);
    const terms: Record<string, number> = { semantic: (out.term_semantic.data as Float32Array)[0] };
    for (const tap of this.taps) terms[tap] = (out[`term_${tap}`].data as Float32Array)[0];
    return { loss: (out.loss.data as Float32Array)[0], terms, grad: out.grad_views.data as Float32Array };
  }

  /**
   * The architecture's saliency output if it has one, else the channel energy of the
   * deepest tap (smallest spatial extent); upsampled bilinearly to S x S, min-max normalized.
   */
  async saliency(image: Float32Array): Promise<Float32Array> {
    const out = await (await this.forwardSession(1)).run({ images: this.rgb(image, 1, 'saliency') });
    let map: Float32Array;
    let h: number;
    let w: number;
    if (out.saliency) {
      [h, w] = out.saliency.dims.slice(-2);
      map = out.saliency.data as Float32Array;
      if (map.length !== h * w) throw new Error(`saliency output [${out.saliency.dims.join(',')}] must hold one map`);
    } else {
      const deepest = this.taps
        .map((t) => out[tapOutput(t)])
        .filter((t) => t.dims.length === 4)
        .sort((a, b) => a.dims[2] * a.dims[3] - b.dims[2] * b.dims[3])[0];
      if (!deepest) throw new Error(`${this.id}: no saliency output and no [B,C,h,w] tap to derive one from`);
      const [, c, th, tw] = deepest.dims;
      [h, w] = [th, tw];
      map = channelEnergy(deepest.data as Float32Array, c, h, w);
    }
    return minMaxNormalize(resizeBilinear(map, h, w, this.size));
  }

  async dispose(): Promise<void> {
    const sessions = [...this.forward.values(), ...this.loss.values()];
    this.forward.clear();
    this.loss.clear();
    for (const s of sessions) await (await s).release();
  }
}

function checkBatch(batch: number): void {
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`batch must be a positive integer, got ${batch}`);
}
