// What sketchify reports: result, progress events, and the canvas -> input mapping of strokes.
import { canvasToImage, type CanvasMap } from './preprocess/preprocess.ts';
import type { SubjectSummary } from './subject/subject.ts';

export interface SketchStrokes {
  /** N x 4 control points x (x, y) in input image pixels (N*8). */
  points: Float32Array;
  /** The same points in [0, 1]^2 of the input image (x / width, y / height). */
  unitPoints: Float32Array;
}

export interface SketchProgress extends SketchStrokes {
  phase: 'init' | 'optimize';
  iteration: number;
  iterations: number;
  /** Training loss of the last iteration (clean + augmented views); NaN before the first. */
  loss: number;
  /** Lowest clean-view loss so far over all seeds. */
  bestLoss: number;
  elapsedMs: number;
  /** Estimated time to the last iteration (ignores early stopping). */
  etaMs: number;
  /** Present once the run has moved to the CPU because its GPU device was lost. */
  fallback?: BackendFallback;
  /** On the 'init' event: what the strokes are fitted to. */
  subject?: SubjectSummary;
  /** In a nested series (sketchNestedSeries): which level runs. */
  level?: SeriesLevel;
}

/** A level of a nested series: the index-th of `count` runs (0 = the largest), drawing `strokes` strokes. */
export interface SeriesLevel {
  index: number;
  count: number;
  strokes: number;
}

/** The GPU device was lost mid-run and the run went on on the CPU path. */
export interface BackendFallback {
  /** Iteration that failed. */
  iteration: number;
  /** The CPU path started from the strokes of this iteration (the last readback); later ones were redone. */
  resumedFrom: number;
  /** What ran before: 'webgpu-rasterizer' (the model was on the CPU) or 'webgpu-one-device'. */
  from: 'cpu' | 'webgpu-rasterizer' | 'webgpu-one-device';
  reason: string;
  /** The one-device loop keeps Adam's moments on the GPU: they are lost and Adam restarts. */
  adamRestarted: boolean;
}

export interface SketchTimings {
  modelMs: number;
  initMs: number;
  targetsMs: number;
  optimizeMs: number;
  totalMs: number;
  /** From the call to the first progress event (the initial strokes). */
  firstPreviewMs: number;
  perIterationMs: number;
}

export interface SketchResult extends SketchStrokes {
  strokes: number;
  /** Stroke width in input image pixels. */
  width: number;
  imageWidth: number;
  imageHeight: number;
  /** The strokes on the square working canvas (size x size pixels) and the width there. */
  canvasPoints: Float32Array;
  canvasWidth: number;
  canvasSize: number;
  /** Clean-view loss of the winning seed's initial and final (best) strokes, each term divided by its
   * value for seed 0's initial strokes (so seed 0 starts at the sum of the weights). */
  lossInitial: number;
  lossFinal: number;
  /** Training loss per iteration (mean over seeds and views). */
  lossHistory: number[];
  /** Clean-view evaluations of the winning seed. */
  evalHistory: { iteration: number; loss: number }[];
  iterations: number;
  seed: number;
  cancelled: boolean;
  stoppedEarly: boolean;
  /** Where the run started: 'webgpu' = WebGPU rasterizer (and, with `pipeline` 'webgpu-one-device', the model too). */
  backend: 'cpu' | 'webgpu';
  backendReason: string;
  /** How iterations ran: CPU path, WebGPU rasterizer with the model on its own runtime, or everything on one GPUDevice. */
  pipeline: 'cpu' | 'webgpu-rasterizer' | 'webgpu-one-device';
  /** Present when the GPU device was lost and the run finished on the CPU path. */
  fallback?: BackendFallback;
  model: string;
  /** What the strokes were fitted to: the subject (from transparency or estimated) or the whole image. */
  subject: SubjectSummary;
  /** The normalized loss weights that were used (each term's raw initial value divided out). */
  weights: import('./models/types.ts').LossWeights;
  timings: SketchTimings;
  /**
   * For each output stroke, the index of the initial stroke it continues, or -1 for an added
   * one (kept initial strokes first, in their order, then the added ones). Present when
   * options.initial was given.
   */
  origin?: number[];
}

export function mapStrokes(canvasPoints: Float32Array, map: CanvasMap): SketchStrokes {
  const points = new Float32Array(canvasPoints.length);
  const unitPoints = new Float32Array(canvasPoints.length);
  for (let i = 0; i < canvasPoints.length; i += 2) {
    const [x, y] = canvasToImage(map, canvasPoints[i], canvasPoints[i + 1]);
    points[i] = x;
    points[i + 1] = y;
    unitPoints[i] = x / map.width;
    unitPoints[i + 1] = y / map.height;
  }
  return { points, unitPoints };
}
