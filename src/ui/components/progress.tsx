// Progress of a run: phase or iteration, the best-loss trend as a sparkline, time left.
import { Text } from '@create-figma-plugin/ui';
import { backend, live, lossTrail, result, runPhase, runStatus, SERIES_STROKES, seriesIndex } from '../state.ts';

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '…';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** Relative change of the trail over its last quarter: negative while the sketch improves. */
export function lossTrend(trail: readonly number[]): 'falling' | 'flat' | 'rising' | null {
  if (trail.length < 4) return null;
  const a = trail[Math.floor(trail.length * 0.75) - 1];
  const b = trail[trail.length - 1];
  const change = (b - a) / Math.max(Math.abs(a), 1e-9);
  return change < -0.002 ? 'falling' : change > 0.002 ? 'rising' : 'flat';
}

function Sparkline({ values }: { values: readonly number[] }) {
  if (values.length < 2) return null;
  const lo = Math.min(...values), hi = Math.max(...values);
  const span = hi - lo || 1;
  const points = values.map((v, i) => `${((i / (values.length - 1)) * 100).toFixed(1)},${(2 + ((v - lo) / span) * 16).toFixed(1)}`).join(' ');
  return (
    <svg class="spark" viewBox="0 0 100 20" preserveAspectRatio="none" aria-label="loss trend">
      <polyline points={points} fill="none" stroke="currentColor" stroke-width="1.2" vector-effect="non-scaling-stroke" />
    </svg>
  );
}

export function Progress() {
  const status = runStatus.value;
  const sketch = live.value;
  const series = seriesIndex.value;
  const seriesText = series !== null ? `Series ${series + 1}/${SERIES_STROKES.length} (${SERIES_STROKES[series]} strokes) · ` : '';
  if (status === 'running' || status === 'cancelling') {
    const trend = lossTrend(lossTrail.value);
    const text =
      runPhase.value === 'model'
        ? 'Preparing the model…'
        : runPhase.value === 'init' || !sketch || sketch.iteration === 0
          ? 'Placing the first strokes…'
          : `Iteration ${sketch.iteration} / ${sketch.iterations} · loss ${sketch.bestLoss.toFixed(3)}${trend ? ` ${trend === 'falling' ? '↘' : trend === 'rising' ? '↗' : '→'}` : ''} · ${formatDuration(sketch.etaMs)} left`;
    return (
      <div class="progress" data-testid="progress" aria-live="polite">
        <Text>
          {status === 'cancelling' ? 'Stopping, keeping the best strokes…' : seriesText + text}
        </Text>
        <Sparkline values={lossTrail.value} />
        {backend.value && <Text class="muted">Running on {backend.value.label}: {backend.value.reason}.</Text>}
      </div>
    );
  }
  const r = result.value;
  if (!r) return null;
  return (
    <div class="progress" data-testid="summary">
      <Text>
        {r.cancelled ? 'Stopped' : 'Done'} after {r.iteration} iterations in {formatDuration(r.totalMs)}
        {r.stoppedEarly ? ' (no further improvement)' : ''} · seed {r.seed}
      </Text>
      {backend.value && <Text class="muted">Ran on {backend.value.label}: {backend.value.reason}.</Text>}
    </div>
  );
}
