// The engine's public surface (DOM-free: runs in the plugin's iframe and in Node).
export { sketchify, type SketchRuntime } from './sketch.ts';
export { resolveOptions, PRESETS, LIMITS, type SketchOptions, type Preset, type BackendChoice, type ResolvedOptions } from './options.ts';
export type { SketchResult, SketchProgress, SketchStrokes, SketchTimings } from './result.ts';
export { toSvg, strokePath, type SvgOptions } from './svg.ts';
export { validateImage, type RgbaImage } from './preprocess/image.ts';
export { MIN_IMAGE_SIDE, MAX_IMAGE_SIDE, MAX_STROKES } from '../shared/limits.ts';
export { preprocess, canvasToImage, imageToCanvas, type CanvasMap, type Preprocessed } from './preprocess/preprocess.ts';
export type { LossModel, LossWeights } from './model/types.ts';
export { ShardedLossModel, type ShardedLossModelOptions } from './model/sharded-loss-model.ts';
export { serveLossModel, connectRemoteLossModel, RemoteLossModel, LOSS_PROTOCOL, type LossPort } from './model/remote-loss-model.ts';
