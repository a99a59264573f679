// The progress line on a TTY (stderr): bar, iteration, losses, ETA. Redrawn in place.
import type { SketchProgress } from '../engine/result.ts';

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

/** Writes progress lines over each other on a TTY; `done()` ends the line. */
export function createProgressWriter(write: (s: string) => void, columns: number, color: boolean): { update(e: SketchProgress): void; done(): void } {
  let active = false;
  return {
    update(e) {
      write(`\r\x1b[2K${progressLine(e, columns, color)}`);
      active = true;
    },
    done() {
      if (active) write('\n');
      active = false;
    },
  };
}
