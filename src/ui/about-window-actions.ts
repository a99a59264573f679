// What "About this window" does: gathers the window's and the engine worker's facts (each
// probes itself: window-facts.ts), the build stamp and the last backend, and copies the text.
import { signal } from '@preact/signals';
import { uiBuild } from './build-info.ts';
import { engine } from './engine/engine.ts';
import { backend, windowMode, windowNote } from './state.ts';
import { gatherScopeFacts, type ScopeFacts } from './window-facts.ts';
import { reportText, type WindowReport } from './window-report.ts';

/** The readout, once gathered (null before, and while it is gathered again). */
export const windowReport = signal<WindowReport | null>(null);
/** What the last Copy did, in words. */
export const copyOutcome = signal<string | null>(null);

const WORKER_ANSWER_MS = 15_000;

function workerFacts(): Promise<ScopeFacts | string> {
  const late = new Promise<string>((resolve) => setTimeout(() => resolve(`no answer in ${WORKER_ANSWER_MS / 1000} s`), WORKER_ANSWER_MS));
  return Promise.race([engine.workerFacts(), late]);
}

export async function gatherWindowReport(): Promise<void> {
  windowReport.value = null;
  copyOutcome.value = null;
  const [window, worker] = await Promise.all([gatherScopeFacts(), workerFacts()]);
  windowReport.value = {
    window,
    worker,
    build: uiBuild(),
    backend: backend.value,
    mode: { mode: windowMode.value, note: windowNote.value },
  };
}

/**
 * Copies the readout from `textarea` (which holds reportText): selects it, then the
 * clipboard command Figma's window allows on a click; where that is refused the text stays
 * selected for the user's own copy shortcut.
 */
export function copyWindowReport(textarea: HTMLTextAreaElement): void {
  const report = windowReport.value;
  if (!report) return;
  textarea.value = reportText(report);
  textarea.focus();
  textarea.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  copyOutcome.value = copied ? 'Copied.' : 'Selected: press Ctrl+C (⌘C on a Mac) to copy.';
}
