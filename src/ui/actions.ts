// What the buttons do. Thin: the engine (engine/engine-client.ts) computes, the sandbox inserts; this file
// keeps the signals in step with both (what the engine tells while it works: engine-events.ts).
import { blankImageReason, PRESETS } from '../engine/index.ts';
import type { InsertOptions, SelectionState, SketchPayload } from '../common/protocol.ts';
import { connectSandbox, sandbox } from './bridge.ts';
import type { EngineNotice } from './engine/engine-client.ts';
import { engine } from './engine/engine.ts';
import { endProgress, showNotice, showRunEvent, startProgress } from './engine-events.ts';
import { describeError, type Problem } from './errors.ts';
import { downloadModel, refreshStoredModels } from './model-actions.ts';
import * as s from './state.ts';
import { renderSubject, type Subject } from './subject.ts';
import type { RunRequest, WireResult } from './engine/protocol.ts';

let nextRunId = 1;
let current: { id: number; resolve(r: WireResult): void; reject(e: Error): void } | null = null;
/** Settles once the last run has ended and its result was taken. */
let runEnded: Promise<void> = Promise.resolve();
let selectionToken = 0;

/** The engine worker failed outside any request: it ends the current run, or says so. */
function onEngineNotice(m: EngineNotice): void {
  if (m.type !== 'failed') return showNotice(m);
  if (current) current.reject(m.error);
  else s.problem.value = describeError(m.error);
}

export function startApp(): void {
  engine.listen(onEngineNotice);
  void engine.connect().catch((error: unknown) => console.warn(`Sketchify: the engine did not start (${String(error)})`));
  connectSandbox((sel) => void onSelection(sel));
  // While the user looks at the panel: the embedded model and the default preset's loss
  // sessions, so the first sketch starts in about a second instead of several (issue #6).
  const p = PRESETS[s.preset.value];
  engine.warm('embedded', [1, p.seeds * (1 + p.views)]);
  refreshStoredModels();
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
    if (blank)
      s.problem.value = {
        title: 'Nothing to sketch in this image',
        detail: `${blank[0].toUpperCase()}${blank.slice(1)}.`,
        remedies: ['select-image'],
      };
  } catch (error) {
    if (token !== selectionToken) return;
    s.subject.value = null;
    s.problem.value = { title: 'This image cannot be read', detail: (error as Error).message, remedies: ['select-image'] };
  }
}

/** What a refine changes in a run: the subject it was drawn on, the strokes to start from. */
export interface RunOverrides {
  subject?: Subject;
  options?: Partial<Pick<RunRequest['options'], 'initial' | 'add' | 'remove' | 'width' | 'iterations'>>;
}

/** One engine run over the current subject; resolves with the best strokes (also when cancelled). */
export function runOnce(strokes: number, seed: number, overrides: RunOverrides = {}): Promise<WireResult> {
  const subject = overrides.subject ?? s.subject.value;
  if (!subject) return Promise.reject(new Error('Select an image first.'));
  const id = nextRunId++;
  const pixels = new Uint8ClampedArray(subject.image.data); // a copy: the subject stays usable here
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  const settled = new Promise<WireResult>((resolve, reject) => {
    current = { id, resolve, reject };
    s.runPhase.value = 'model';
    startProgress();
    // The last run's strokes would sit under "Preparing the model…": the preview shows the
    // photo alone until this run's first strokes arrive.
    s.live.value = null;
    engine
      .run(
        {
          runId: id,
          width: subject.image.width,
          height: subject.image.height,
          pixels,
          options: {
            strokes,
            width: s.strokeWidth.value,
            preset: s.preset.value,
            seed,
            model: s.modelId.value,
            iterations: s.iterationsOverride.value ?? undefined,
            subject: s.subjectChoice.value,
            ...overrides.options,
          },
          backend: s.backendChoice.value,
          webgpuUnavailable: gpu ? undefined : noWebGpuReason(),
        },
        (event) => {
          if (current?.id === id) showRunEvent(event);
        },
      )
      .then(resolve, reject);
  }).finally(() => {
    endProgress();
    if (current?.id === id) current = null;
  });
  runEnded = settled.then(
    () => undefined,
    () => undefined,
  );
  return settled;
}

export function recordTiming(r: WireResult): void {
  const p = PRESETS[s.preset.value];
  if (r.perIterationMs > 0) s.measuredIterationMs.value = r.perIterationMs / ((1 + p.views) * p.seeds);
}

export function fail(error: unknown): void {
  s.runStatus.value = 'failed';
  s.problem.value = describeError(error);
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
  engine.cancel(current.id);
}

export function hexToRgb(hex: string): { r: number; g: number; b: number } {
  const v = Number.parseInt(/^[0-9a-f]{6}$/i.test(hex) ? hex : '1E1E1E', 16);
  return { r: ((v >> 16) & 255) / 255, g: ((v >> 8) & 255) / 255, b: (v & 255) / 255 };
}

export function toSketchPayload(r: WireResult): SketchPayload {
  const strokes: number[][] = [];
  for (let i = 0; i < r.unitPoints.length; i += 8) strokes.push(Array.from(r.unitPoints.subarray(i, i + 8)));
  return { strokes, width: r.canvasWidth };
}

export function insertOptions(r: WireResult, placement: InsertOptions['placement']): InsertOptions {
  return {
    nodeId: s.subject.value!.source.nodeId,
    canvasSize: r.canvasSize,
    color: hexToRgb(s.colorHex.value),
    layout: 'per-stroke',
    placement,
  };
}

export async function withInsert(work: () => Promise<{ vectorCount: number }>, what: string): Promise<void> {
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
    await runEnded;
    await new Promise((done) => setTimeout(done, 0)); // run() has stored the result
  }
  const r = s.result.value;
  if (!r || !s.subject.value) return;
  await withInsert(
    () => sandbox.emit('insertSketch', { ...insertOptions(r, 'over'), sketch: toSketchPayload(r) }),
    `${r.unitPoints.length / 8} strokes`,
  );
}

/** The Picasso "Bull" sequence: 4, 8, 16 and 32 strokes, inserted side by side. */
export async function runSeries(): Promise<void> {
  if (!s.canRun.value) return;
  s.problem.value = null;
  s.notice.value = null;
  s.runStatus.value = 'running';
  const results: WireResult[] = [];
  s.seriesLevels.value = s.SERIES_STROKES;
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
