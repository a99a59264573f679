// The engine's public surface (DOM-free: runs in the plugin's iframe, its workers and in Node).
// The CLI (src/cli), the UI and its workers (src/ui) and the benchmarks (bench/) import the
// engine through this file only (scripts/check-imports.mjs checks it); tests may reach inside.

// Sketching: the pipeline and its options.
export { sketchify, type SketchRuntime } from './sketch.ts';
export {
  resolveOptions,
  PRESETS,
  LIMITS,
  type SketchOptions,
  type Preset,
  type BackendChoice,
  type SubjectChoice,
  type ResolvedOptions,
  type InitialStrokes,
  type ResolvedInitial,
} from './options.ts';
// A nested abstraction series: each level the one above with its least useful strokes removed.
export { sketchNestedSeries, checkNestedLevels, NESTED_ITERATION_FRACTION } from './series.ts';

// What a run gives back, and the SVG written from it.
export type { SketchResult, SketchProgress, SketchStrokes, SketchTimings, SeriesLevel } from './result.ts';
export { toSvg, toSeriesSvg, strokePath, type SvgOptions } from './svg.ts';

// Images in: checks, downscaling, the square canvas and its mapping back to the image.
export { validateImage, type RgbaImage } from './preprocess/image.ts';
export { MIN_IMAGE_SIDE, MAX_IMAGE_SIDE, MAX_STROKES } from '../common/limits.ts';
export { blankImageReason, downscaleToFit } from './preprocess/downscale.ts';
export {
  preprocess,
  canvasToImage,
  imageToCanvas,
  contentMask,
  contentRect,
  type CanvasMap,
  type Preprocessed,
} from './preprocess/preprocess.ts';

// Loss models: the contract, the onnxruntime one, the embedded MobileNetV2.
export type { LossModel, LossResult, LossWeights, OrtModule, TargetFeatures } from './models/types.ts';
export { createOnnxLossModel, OnnxLossModel, type OnnxLossModelOptions } from './models/onnx-loss-model.ts';
export {
  loadEmbeddedModel,
  EMBEDDED_MODEL_ID,
  EMBEDDED_INPUT_SIZE,
  EMBEDDED_EMBEDDING_LAYER,
  EMBEDDED_TAP_NORMALIZATION,
  type EmbeddedModelOptions,
} from './models/embedded-mobilenet-v2.ts';

// Loss models spread over workers: split batches, and a model served over a message port.
export { ShardedLossModel, splitBatch, type ShardedLossModelOptions } from './models/sharded-loss-model.ts';
export { serveLossModel, connectRemoteLossModel, RemoteLossModel, LOSS_PROTOCOL, type LossPort } from './models/remote-loss-model.ts';

// CLIP models: downloading their weights and compiling a loss model from them.
export { clipLossModel, clipWeightsFromBytes, downloadClipWeights } from './models/clip-loss-model.ts';
export { clipModelSpec } from './networks/clip-specs.ts';
export { DownloadError, REPO_COMMIT_HEADER, type DownloadProgress, type FetchLike } from './weights/download.ts';
export { WeightSet, sha256Hex } from './weights/weight-set.ts';
export type { TensorEntry } from './weights/safetensors.ts';
export { MemoryCache } from './weights/memory-cache.ts';

// Rasterizers: the CPU reference and the WebGPU one.
export { createCpuRasterizer } from './raster/cpu.ts';
export { createWebGpuRasterizer, type WebGpuRasterizer } from './raster/webgpu.ts';
export { IDENTITY_VIEW, type RasterScene, type Rasterizer } from './raster/types.ts';

// The pipeline's stages, for benchmarks and evaluation: seeds, initial strokes, augmented
// views, one-device iterations, the clean render and its terms, the subject's geometry.
export { createRandom, type Random } from './random.ts';
export { randomStrokes, startRegion } from './init/sample.ts';
export { gaussianBlur, xdogEdges } from './init/xdog.ts';
export { gatherTargets, gatherViews, type TargetPool } from './augment/targets.ts';
export { viewPool } from './augment/views.ts';
export { createCpuPipeline } from './optimize/cpu-pipeline.ts';
export { createGpuPipeline, type IterationTimings } from './optimize/gpu-pipeline.ts';
export { GpuLossSession } from './models/gpu-loss-session.ts';
export { cleanTerms, renderClean } from './loss/evaluate.ts';
export { evalCubic } from './geometry/bezier.ts';
export { chamferDistance } from './subject/grid.ts';

// The network compiler and architectures, for benchmarks: graphs, ONNX, FLOPs, TF.js packing.
export { Graph } from './compiler/graph.ts';
export { relu } from './compiler/ops/elementwise.ts';
export { buildForwardGraph, buildLossGraph, type Architecture } from './networks/loss-graph.ts';
export { serializeModel } from './compiler/onnx.ts';
export { countFlops } from './compiler/flops.ts';
export { packLayersModel, unpackLayersModel } from './networks/tfjs/pack.ts';
export { mobileNetV2, MOBILENET_V2_DEFAULT_TAPS, MOBILENET_V2_SIZE } from './networks/mobilenet-v2.ts';
export { clipResNet, clipResNetSpec, CLIP_RN50, CLIP_RN101 } from './networks/clip-resnet.ts';
