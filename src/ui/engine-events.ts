// What the engine tells the panel, into the signals: a run's backend and progress (at most one
// render per frame), a device loss, a download's progress, the warm-up, and a model's arrival
// or failure. actions.ts starts the runs and downloads these belong to.
import { batch } from '@preact/signals';
import type { EngineNotice, RunEvent } from './engine/engine-client.ts';
import { describeError } from './errors.ts';
import * as s from './state.ts';

let pendingProgress: Extract<RunEvent, { type: 'progress' }> | null = null;
let frame: number | null = null;
const trail: number[] = [];

/** One render per frame for all progress that arrived since the last one. */
function applyProgress(): void {
  frame = null;
  const m = pendingProgress;
  pendingProgress = null;
  if (!m) return;
  batch(() => {
    s.runPhase.value = m.phase;
    s.live.value = m.sketch;
    if (m.sketch.subject) s.sketchFocus.value = m.sketch.subject;
    if (trail.length) s.lossTrail.value = [...s.lossTrail.value, ...trail.splice(0)].slice(-200);
  });
}

/** A run starts: its loss trail is empty. */
export function startProgress(): void {
  s.lossTrail.value = [];
  trail.length = 0;
}

/** The run ended: progress not drawn yet is dropped (the result follows). */
export function endProgress(): void {
  pendingProgress = null;
}

/** What the current run tells while it runs. */
export function showRunEvent(m: RunEvent): void {
  switch (m.type) {
    case 'backend':
      s.backend.value = m.info;
      break;
    case 'progress':
      // The loss trail takes every report; the render (preview, text) at most one per frame.
      if (m.phase === 'optimize' && Number.isFinite(m.sketch.bestLoss)) trail.push(m.sketch.bestLoss);
      pendingProgress = m;
      frame ??= requestAnimationFrame(applyProgress);
      break;
    case 'deviceLost':
      // Plain words for the user; the engine's technical reason goes to the console.
      console.warn(`Sketchify: ${m.message}`);
      s.notice.value = `The GPU stopped working at iteration ${m.iteration}. Sketchify carried on with the CPU: the sketch finishes as usual, only slower.`;
      break;
  }
}

/** A download's progress and the warm-up ('failed' notices are actions.ts's: they end a run). */
export function showNotice(m: Exclude<EngineNotice, { type: 'failed' }>): void {
  if (m.type === 'downloadProgress') {
    s.modelStatus.value = { ...s.modelStatus.value, [m.model]: { state: 'downloading', done: m.bytesDone, total: m.bytesTotal } };
  } else {
    // Only a state: a run that needs what failed here reports it in plain words.
    s.engineWarmth.value = m.state;
    if (m.state === 'failed')
      console.info(`Sketchify: the warm-up did not finish (${m.message ?? 'unknown'}); the first sketch prepares the model itself.`);
  }
}

/** source 'stored': this window's kept copy, re-verified; notKept: why a download lives only in memory. */
export function showModelReady(
  model: string,
  got: { source: 'download' | 'file' | 'stored'; repoCommit?: string; notKept?: string },
): void {
  s.modelStatus.value = {
    ...s.modelStatus.value,
    [model]: { state: 'ready', source: got.source, repoCommit: got.repoCommit, notKept: got.notKept },
  };
}

export function showStoredModels(kept: typeof s.storedModels.value): void {
  s.storedModels.value = { models: kept.models, unavailable: kept.unavailable, freed: kept.freed };
}

export function showModelFailed(model: string, error: unknown): void {
  // A cancelled download is no failure: the model is simply not there yet.
  const cancelled = (error as Error | null)?.name === 'AbortError';
  s.modelStatus.value = { ...s.modelStatus.value, [model]: { state: cancelled ? 'absent' : 'failed' } };
  if (!cancelled) s.problem.value = describeError(error);
}
