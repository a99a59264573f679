// The progress line on a TTY (stderr): bar, iteration, losses, ETA. Redrawn in place.
import type { SketchProgress } from '../engine/index.ts';

const seconds = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)}s` : '?');
const num = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : '-');

export function progressLine(e: SketchProgress, columns = 80, color = false): string {
  if (e.phase === 'init') return `initialized ${e.points.length / 8} strokes (${seconds(e.elapsedMs)})`;
  const fraction = e.iterations > 0 ? e.iteration / e.iterations : 1;
  const width = Math.max(10, Math.min(30, columns - 60));
  const filled = Math.round(fraction * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  const text = `[${color ? `\x1b[36m${bar}\x1b[0m` : bar}] ${e.iteration}/${e.iterations} loss ${num(e.loss)} best ${num(e.bestLoss)} ${seconds(e.elapsedMs)} eta ${seconds(e.etaMs)}`;
  return text;
}

export interface ProgressReporter {
  update(e: SketchProgress): void;
  /** Ends the bar's line (a terminal) before other text is written. */
  done(): void;
}

/** On a terminal: one bar redrawn in place, after `label`. */
export function createProgressBar(write: (s: string) => void, label: string, columns: number, color: boolean): ProgressReporter {
  let active = false;
  const prefix = label ? `${label} ` : '';
  return {
    update(e) {
      write(`\r\x1b[2K${prefix}${progressLine(e, columns - prefix.length, color)}`);
      active = true;
    },
    done() {
      if (active) write('\n');
      active = false;
    },
  };
}

/**
 * Not a terminal (CI logs, pipes): a plain line each time the run passes another 10 % of its
 * iterations, so a log shows the run is alive without a line per progress event.
 */
export function createProgressLines(write: (s: string) => void, label: string): ProgressReporter {
  let lastDecile = 0;
  return {
    update(e) {
      if (e.phase !== 'optimize' || e.iterations <= 0) return;
      const decile = Math.floor((10 * e.iteration) / e.iterations);
      if (decile <= lastDecile) return;
      lastDecile = decile;
      write(
        `${label ? `${label}: ` : ''}${10 * decile}% (${e.iteration}/${e.iterations} iterations, best loss ${num(e.bestLoss)}, ${seconds(e.elapsedMs)})\n`,
      );
    },
    done() {},
  };
}

export const silentProgress: ProgressReporter = { update() {}, done() {} };
