// The contract between the optimizer and a compiled perceptual model (embedded MobileNetV2,
// CLIP ResNet/ViT). Images are NCHW float32, values in [0, 1]; the model normalizes inside.
import type * as Ort from 'onnxruntime-web';

/** The parts of the onnxruntime-web module we use (pass the wasm or the webgpu build). */
export type OrtModule = Pick<typeof Ort, 'InferenceSession' | 'Tensor'>;

/** Precomputed features of target images, opaque to the optimizer (one entry per tap). */
export interface TargetFeatures {
  batch: number;
  tensors: Record<string, Float32Array>;
}

export interface LossWeights {
  /** Weight per geometric tap name (mean squared feature difference). */
  geometric: Record<string, number>;
  /** Weight of mean(1 - cos(embedding(view), embedding(target))). */
  semantic: number;
}

export interface LossResult {
  loss: number;
  /** Per-term losses after weighting, keyed by tap name and 'semantic'. */
  terms: Record<string, number>;
  /** dLoss/dViews, B*size*size (gray views). */
  grad: Float32Array;
}

export interface LossModel {
  readonly id: string;
  /** Input side length (224). */
  readonly size: number;
  readonly taps: readonly string[];
  readonly defaultWeights: LossWeights;
  /** Where the model's own sessions run, for reports (e.g. 'onnxruntime-node'); optional. */
  readonly runtime?: string;
  /** Features of B RGB target images (B*3*size*size). */
  targetFeatures(images: Float32Array, batch: number): Promise<TargetFeatures>;
  /** Loss and its gradient for B gray sketch views (B*size*size) against targets of the same B. */
  lossAndGradient(views: Float32Array, targets: TargetFeatures, weights: LossWeights): Promise<LossResult>;
  /** Saliency map (size*size, min-max normalized to [0, 1]) of one RGB image (3*size*size). */
  saliency(image: Float32Array): Promise<Float32Array>;
  dispose(): Promise<void>;
  /**
   * Optional: a loss-and-gradient session living on `device` with batch `batch` (seeds x
   * views), for the one-device WebGPU loop (gpu/pipeline.ts). Models without it run on the
   * CPU path (or with the WebGPU rasterizer only). `precision` defaults to the device's
   * (float16 with shader-f16, else float32).
   */
  createGpuLossSession?(device: GPUDevice, batch: number, precision?: 'float32' | 'float16'): Promise<GpuLoss>;
}

/** What the one-device loop needs of a loss session on the GPU (model/gpu-loss-session.ts). */
export interface GpuLoss {
  readonly id: string;
  readonly batch: number;
  readonly size: number;
  /** Arithmetic of the loss graph (float16 on shader-f16 devices; absent means float32). */
  readonly precision?: 'float32' | 'float16';
  setWeights(weights: LossWeights): void;
  /** Target features of the whole augmentation pool, uploaded once. */
  setTargetPool(pool: TargetFeatures): void;
  /** Records the copies that select pool entries `indices` (length batch) as the batch's targets. */
  selectTargets(encoder: GPUCommandEncoder, indices: readonly number[]): void;
  /** Loss and dLoss/dViews for views (batch x 1 x size x size f32) that stay on the GPU. */
  run(views: GPUBuffer): Promise<{ loss: GPUBuffer; gradViews: GPUBuffer; release(): void }>;
  dispose(): Promise<void>;
}
