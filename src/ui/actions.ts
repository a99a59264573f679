// What the buttons do. Thin: the engine (engine-client.ts) computes, the sandbox inserts; this file keeps
// the signals in step with both.
import { batch } from '@preact/signals';
import { blankImageReason, PRESETS } from '../engine/index.ts';
import type { InsertOptions, SelectionState, SketchPayload } from '../common/protocol.ts';
import { connectSandbox, sandbox } from './bridge.ts';
import { engine } from './engine/engine.ts';
import { describeError, type Problem } from './errors.ts';
import * as s from './state.ts';
import { renderSubject } from './subject.ts';
import type { FromWorker, WireError, WireResult } from './engine/protocol.ts';

let nextRunId = 1;
let current: { id: number; resolve(r: WireResult): void; reject(e: WireError): void } | null = null;
let selectionToken = 0;

/** A wire error back into something describeError reads (name, kind, status survive). */
function errorFromWire(w: WireError): Error {
  return Object.assign(new Error(w.message), { name: w.name, kind: w.kind, status: w.status, host: w.host });
}

let pendingProgress: Extract<FromWorker, { type: 'progress' }> | null = null;
let frame: number | null = null;
const trail: number[] = [];

/** One render per frame for all progress that arrived since the last one. */
function applyProgress(): void {
  frame = null;
  const m = pendingProgress;
  pendingProgress = null;
  if (!m || m.runId !== current?.id) return;
  batch(() => {
    s.runPhase.value = m.phase;
    s.live.value = m.sketch;
    if (m.sketch.subject) s.sketchFocus.value = m.sketch.subject;
    if (trail.length) s.lossTrail.value = [...s.lossTrail.value, ...trail.splice(0)].slice(-200);
  });
}

function onWorker(m: FromWorker): void {
  switch (m.type) {
    case 'backend':
      if (m.runId === current?.id) s.backend.value = m.info;
      break;
    case 'progress':
      if (m.runId !== current?.id) break;
      // The loss trail takes every report; the render (preview, text) at most one per frame.
      if (m.phase === 'optimize' && Number.isFinite(m.sketch.bestLoss)) trail.push(m.sketch.bestLoss);
      pendingProgress = m;
      frame ??= requestAnimationFrame(applyProgress);
      break;
    case 'result':
      if (m.runId === current?.id) {
        pendingProgress = null;
        current.resolve(m.result);
      }
      break;
    case 'error':
      if (m.runId === current?.id || m.runId === -1) current?.reject(m.error);
      if (m.runId === -1 && !current) s.problem.value = describeError(errorFromWire(m.error));
      break;
    case 'device-lost':
      // Plain words for the user; the engine's technical reason goes to the console.
      if (m.runId !== current?.id) break;
      console.warn(`Sketchify: ${m.message}`);
      s.notice.value = `The GPU stopped working at iteration ${m.iteration}. Sketchify carried on with the CPU: the sketch finishes as usual, only slower.`;
      break;
    case 'download-progress':
      s.modelStatus.value = { ...s.modelStatus.value, [m.model]: { state: 'downloading', done: m.bytesDone, total: m.bytesTotal } };
      break;
    case 'model-ready':
      s.modelStatus.value = { ...s.modelStatus.value, [m.model]: { state: 'ready', source: m.source, repoCommit: m.repoCommit } };
      break;
    case 'warm':
      // Only a state: a run that needs what failed here reports it in plain words.
      s.engineWarmth.value = m.state;
      if (m.state === 'failed') console.info(`Sketchify: the warm-up did not finish (${m.message ?? 'unknown'}); the first sketch prepares the model itself.`);
      break;
    case 'model-error':
      // A cancelled download is no failure: the model is simply not there yet.
      s.modelStatus.value = { ...s.modelStatus.value, [m.model]: { state: m.error.name === 'AbortError' ? 'absent' : 'failed' } };
      if (m.error.name !== 'AbortError') s.problem.value = describeError(errorFromWire(m.error));
      break;
  }
}

export function startApp(): void {
  engine.listen(onWorker);
  connectSandbox((sel) => void onSelection(sel));
  // While the user looks at the panel: the embedded model and the default preset's loss
  // sessions, so the first sketch starts in about a second instead of several (issue #6).
  const p = PRESETS[s.preset.value];
  engine.send({ type: 'warm', model: 'embedded', batches: [1, p.seeds * (1 + p.views)] });
}

async function onSelection(sel: SelectionState): Promise<void> {
  const token = ++selectionToken;
  s.selection.value = sel;
  if (sel.status !== 'ready') {
    s.subject.value = null;
    return;
  }
  if (s.subject.value?.source.nodeId !== sel.source.nodeId) {
    s.result.value = null;
    s.live.value = null;
    s.sketchFocus.value = null;
    s.lossTrail.value = [];
  }
  try {
    const subject = await renderSubject(sel.source);
    if (token !== selectionToken) return;
    // The same check as the CLI's: a blank or fully transparent fill has nothing to sketch.
    const blank = blankImageReason(subject.image);
    s.subject.value = blank ? null : subject;
    if (blank) s.problem.value = { title: 'Nothing to sketch in this image', detail: `${blank[0].toUpperCase()}${blank.slice(1)}.`, remedies: ['select-image'] };
  } catch (error) {
    if (token !== selectionToken) return;
    s.subject.value = null;
    s.problem.value = { title: 'This image cannot be read', detail: (error as Error).message, remedies: ['select-image'] };
  }
}

/** One engine run over the current subject; resolves with the best strokes (also when cancelled). */
function runOnce(strokes: number, seed: number): Promise<WireResult> {
  const subject = s.subject.value;
  if (!subject) return Promise.reject({ name: 'Error', message: 'Select an image first.' });
  const id = nextRunId++;
  const pixels = new Uint8ClampedArray(subject.image.data); // a copy: the subject stays usable here
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  return new Promise<WireResult>((resolve, reject) => {
    current = { id, resolve, reject };
    s.runPhase.value = 'model';
    s.lossTrail.value = [];
    trail.length = 0;
    // The last run's strokes would sit under "Preparing the model…": the preview shows the
    // photo alone until this run's first strokes arrive.
    s.live.value = null;
    engine.send(
      {
        type: 'run',
        runId: id,
        width: subject.image.width,
        height: subject.image.height,
        pixels,
        options: { strokes, width: s.strokeWidth.value, preset: s.preset.value, seed, model: s.modelId.value, iterations: s.iterationsOverride.value ?? undefined, subject: s.subjectChoice.value },
        backend: s.backendChoice.value,
        webgpuUnavailable: gpu ? undefined : noWebGpuReason(),
      },
      [pixels.buffer],
    );
  }).finally(() => {
    if (current?.id === id) current = null;
  });
}

function recordTiming(r: WireResult): void {
  const p = PRESETS[s.preset.value];
  if (r.perIterationMs > 0) s.measuredIterationMs.value = r.perIterationMs / ((1 + p.views) * p.seeds);
}

function fail(error: unknown): void {
  s.runStatus.value = 'failed';
  s.problem.value = describeError(error instanceof Error ? error : errorFromWire(error as WireError));
}

export async function run(seed = s.seed.value): Promise<void> {
  if (!s.canRun.value) return;
  s.problem.value = null;
  s.notice.value = null;
  s.seriesIndex.value = null;
  s.runStatus.value = 'running';
  try {
    const r = await runOnce(s.strokeCount.value, seed);
    s.result.value = r;
    s.live.value = r;
    recordTiming(r);
    s.runStatus.value = r.cancelled ? 'cancelled' : 'done';
  } catch (error) {
    fail(error);
  }
}

export function sketchAgain(): Promise<void> {
  s.seed.value = (s.seed.value + 1) % 2 ** 31;
  return run(s.seed.value);
}

export function cancel(): void {
  if (!current) return;
  s.runStatus.value = 'cancelling';
  engine.send({ type: 'cancel', runId: current.id });
}

function hexToRgb(hex: string): { r: number; g: number; b: number } {
  const v = Number.parseInt(/^[0-9a-f]{6}$/i.test(hex) ? hex : '1E1E1E', 16);
  return { r: ((v >> 16) & 255) / 255, g: ((v >> 8) & 255) / 255, b: (v & 255) / 255 };
}

export function toSketchPayload(r: WireResult): SketchPayload {
  const strokes: number[][] = [];
  for (let i = 0; i < r.unitPoints.length; i += 8) strokes.push(Array.from(r.unitPoints.subarray(i, i + 8)));
  return { strokes, width: r.canvasWidth };
}

function insertOptions(r: WireResult, placement: InsertOptions['placement']): InsertOptions {
  return { nodeId: s.subject.value!.source.nodeId, canvasSize: r.canvasSize, color: hexToRgb(s.colorHex.value), layout: 'per-stroke', placement };
}

async function withInsert(work: () => Promise<{ vectorCount: number }>, what: string): Promise<void> {
  s.inserting.value = true;
  try {
    const done = await work();
    s.notice.value = `Inserted ${what} (${done.vectorCount} vector${done.vectorCount === 1 ? '' : 's'}).`;
  } catch (error) {
    s.problem.value = {
      title: 'The sketch could not be inserted',
      detail: `Figma refused the insert: ${(error as Error).message}. Check that the image layer still exists and is not locked, then insert again.`,
      remedies: ['retry'],
    };
  } finally {
    s.inserting.value = false;
  }
}

/** Inserts the best strokes; during a run it stops the run first (keeping the best). */
export async function insert(): Promise<void> {
  if (current) {
    cancel();
    await new Promise<void>((done) => {
      const stop = engine.listen((m) => {
        if (m.type === 'result' || m.type === 'error') {
          stop();
          setTimeout(done, 0);
        }
      });
    });
  }
  const r = s.result.value;
  if (!r || !s.subject.value) return;
  await withInsert(() => sandbox.emit('insertSketch', { ...insertOptions(r, 'over'), sketch: toSketchPayload(r) }), `${r.unitPoints.length / 8} strokes`);
}

/** The Picasso "Bull" sequence: 4, 8, 16 and 32 strokes, inserted side by side. */
export async function runSeries(): Promise<void> {
  if (!s.canRun.value) return;
  s.problem.value = null;
  s.notice.value = null;
  s.runStatus.value = 'running';
  const results: WireResult[] = [];
  try {
    for (let i = 0; i < s.SERIES_STROKES.length; i++) {
      s.seriesIndex.value = i;
      const r = await runOnce(s.SERIES_STROKES[i], s.seed.value);
      s.result.value = r;
      recordTiming(r);
      if (r.cancelled) {
        s.runStatus.value = 'cancelled';
        s.notice.value = `Series stopped after ${results.length} of ${s.SERIES_STROKES.length} sketches; nothing was inserted.`;
        return;
      }
      results.push(r);
    }
    s.runStatus.value = 'done';
    const first = results[0];
    await withInsert(
      () => sandbox.emit('insertSeries', { ...insertOptions(first, 'beside'), sketches: results.map(toSketchPayload) }),
      `a series of ${results.length} sketches`,
    );
  } catch (error) {
    fail(error);
  } finally {
    s.seriesIndex.value = null;
  }
}

export function downloadModel(model: string): void {
  s.problem.value = null;
  s.modelStatus.value = { ...s.modelStatus.value, [model]: { state: 'downloading', done: 0, total: 0 } };
  engine.send({ type: 'download', model });
}

export function cancelDownload(model: string): void {
  engine.send({ type: 'cancel-download', model });
}

/** A weights file the user picked; its bytes move to the worker (transferred, not copied). */
export async function loadWeightsFile(model: string, file: File): Promise<void> {
  s.problem.value = null;
  s.modelStatus.value = { ...s.modelStatus.value, [model]: { state: 'loading' } };
  const bytes = new Uint8Array(await file.arrayBuffer());
  engine.send({ type: 'load-weights', model, bytes, name: file.name }, [bytes.buffer]);
}

export function applyRemedy(remedy: Problem['remedies'][number]): void {
  // After a failed download nothing was running: switching model must not start a run.
  const afterRun = s.runStatus.value === 'failed';
  s.problem.value = null;
  if (remedy === 'retry-download') return downloadModel(s.modelId.value);
  if (remedy === 'use-embedded') s.modelId.value = 'embedded';
  if (remedy === 'use-cpu') s.backendChoice.value = 'cpu';
  if (remedy === 'lighter-settings') {
    s.preset.value = 'draft';
    if (s.strokeCount.value > 16) s.strokeChoice.value = '16';
  }
  if (remedy === 'retry' || remedy === 'use-cpu' || remedy === 'lighter-settings' || (remedy === 'use-embedded' && afterRun)) void run();
}

/** Why the panel has no navigator.gpu: a window that is no secure context (a data: URL document,
 * as Figma's plugin iframe is reported to be) never gets WebGPU, whatever the machine has. */
function noWebGpuReason(): string {
  return globalThis.isSecureContext === false
    ? 'this plugin window is not a secure context, so the browser gives it no WebGPU'
    : 'this host gives plugins no WebGPU (navigator.gpu is missing)';
}
