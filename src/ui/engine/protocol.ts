// Messages between the UI's main thread and the engine host. The engine runs in a worker so
// that the optimization (model and rasterizer calls that each take tens to hundreds of ms)
// never blocks the UI; a WebGPU run may run on the main thread instead (engine-client.ts),
// over a MessageChannel with the same messages. Both sides are bundled together, so plain
// types suffice here.

import type { TensorEntry } from '../../engine/index.ts';
import type { WarmState } from '../worker/warm.ts';
import type { ScopeFacts } from '../window-facts.ts';

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface RunRequest {
  type: 'run';
  runId: number;
  /** Subject pixels (straight RGBA), transferred. */
  width: number;
  height: number;
  pixels: Uint8ClampedArray;
  options: {
    strokes: number;
    width: number;
    preset: 'draft' | 'standard' | 'best';
    seed: number;
    model: string;
    seeds?: number;
    iterations?: number;
    /** What the strokes draw (engine SketchOptions.subject); default 'auto'. */
    subject?: 'auto' | 'off';
  };
  backend: BackendChoice;
  /** Set when the main thread already knows WebGPU is missing (navigator.gpu absent). */
  webgpuUnavailable?: string;
  /** Why the run is on the CPU when backend is 'cpu' and the user did not choose it. */
  cpuReason?: string;
  /**
   * Forces the CPU path's shard count (integer 1-4; 1 = the engine worker alone), for tests
   * and the bench; by default min(batch, cores, 4) for the embedded model (loss-workers.ts).
   */
  shards?: number;
}

export type ToWorker =
  | RunRequest
  | { type: 'cancel'; runId: number }
  /** Weights the user picked from disk for a downloadable model. */
  | { type: 'load-weights'; model: string; bytes: Uint8Array; name: string }
  | { type: 'download'; model: string }
  | { type: 'cancel-download'; model: string }
  /** Worker: hand the verified weights of a model over (once) for the main-thread engine. */
  | { type: 'export-weights'; model: string }
  /** Main-thread engine: compile these weights (handed over by the worker). */
  | { type: 'adopt-weights'; model: string; weights: WireWeights }
  /**
   * Worker: prepare the model and its CPU loss sessions of these batch sizes (seeds x views)
   * before any run, at low priority (worker/warm.ts).
   */
  | { type: 'warm'; model: string; batches: number[]; shards?: number }
  /** What this scope has (About this window): answered by 'facts'. */
  | { type: 'facts' };

/** A WeightSet as data: entries rebased to payload, payload transferred. */
export interface WireWeights {
  entries: readonly TensorEntry[];
  payload: Uint8Array;
  sha256: string;
}

export interface WireSketch {
  /** N*8 numbers: each stroke's four control points in subject units [0, 1]. */
  unitPoints: Float32Array;
  iteration: number;
  iterations: number;
  loss: number;
  bestLoss: number;
  elapsedMs: number;
  etaMs: number;
  /** On the first strokes of a run: what they are fitted to (engine SubjectSummary, in short). */
  subject?: WireSubject;
}

export interface WireSubject {
  source: 'alpha' | 'estimate' | 'whole' | 'off';
  /** An opaque photo with a cluttered background. */
  busy: boolean;
}

export interface WireResult extends WireSketch {
  canvasSize: number;
  canvasWidth: number;
  cancelled: boolean;
  stoppedEarly: boolean;
  lossHistory: number[];
  seed: number;
  perIterationMs: number;
  totalMs: number;
}

export interface WireBackend {
  backend: 'cpu' | 'webgpu';
  label: string;
  reason: string;
}

export type FromWorker =
  /** host: where this engine runs; webgpu: whether navigator.gpu exists there. */
  | { type: 'booted'; ortBuild: string; host: 'worker' | 'main'; secure: boolean; webgpu: boolean }
  | { type: 'backend'; runId: number; info: WireBackend }
  | { type: 'progress'; runId: number; phase: 'init' | 'optimize'; sketch: WireSketch }
  | { type: 'result'; runId: number; result: WireResult }
  | { type: 'error'; runId: number; error: WireError }
  /** The GPU device was lost at `iteration`: the run continues on the CPU. */
  | { type: 'device-lost'; runId: number; message: string; iteration: number }
  | { type: 'download-progress'; model: string; bytesDone: number; bytesTotal: number }
  /** repoCommit: the commit the weights came from, where an answer (or the file) named it. */
  | { type: 'model-ready'; model: string; source: 'download' | 'file'; repoCommit?: string }
  | { type: 'model-error'; model: string; error: WireError }
  /** The warm-up's progress; 'failed' is no error (a run that needs the same reports it). */
  | { type: 'warm'; model: string; state: WarmState; ms: number; message?: string }
  /** Answer to export-weights: null when the worker kept none (not loaded, or has WebGPU). */
  | { type: 'weights'; model: string; weights: WireWeights | null }
  | { type: 'facts'; facts: ScopeFacts };

/** Errors cross the thread boundary as plain data; name and fields drive the plain-words text. */
export interface WireError {
  name: string;
  message: string;
  kind?: string;
  status?: number;
  /** A download's refused or failed host. */
  host?: string;
}

export function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    const e = error as Error & { kind?: string; status?: number; host?: string };
    return { name: e.name, message: e.message, kind: e.kind, status: e.status, host: e.host };
  }
  return { name: 'Error', message: String(error) };
}
