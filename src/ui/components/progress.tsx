// Progress of a run: phase or iteration, the best-loss trend as a sparkline, time left.
import { Text } from '@create-figma-plugin/ui';
import { backend, live, lossTrail, result, runPhase, runStatus, seriesIndex, seriesLevels, sketchFocus } from '../state.ts';
import { focusHint } from '../focus-hint.ts';

function FocusHint() {
  const hint = focusHint(sketchFocus.value);
  return hint ? (
    <Text class="muted" data-testid="focus-hint">
      {hint}
    </Text>
  ) : null;
}

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

/**
 * The trend as a drawn arrow, not a glyph: '↘' and '↗' are missing from common UI fonts
 * (Liberation Sans here), and a glyph's first system font fallback runs on the main thread
 * inside layout: measured 0.2-1 s (one long task mid-run) while the engine loads the cores.
 */
function TrendArrow({ trend }: { trend: 'falling' | 'flat' | 'rising' }) {
  const tip =
    trend === 'falling' ? 'M3 4 L11 12 M6 12 H11 V7' : trend === 'rising' ? 'M3 12 L11 4 M6 4 H11 V9' : 'M2 8 H12 M8 4 L12 8 L8 12';
  return (
    <svg class="trend" viewBox="0 0 14 16" role="img" aria-label={`loss ${trend}`} data-trend={trend}>
      <path d={tip} fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

function Sparkline({ values }: { values: readonly number[] }) {
  if (values.length < 2) return null;
  const lo = Math.min(...values),
    hi = Math.max(...values);
  const span = hi - lo || 1;
  const points = values
    .map((v, i) => `${((i / (values.length - 1)) * 100).toFixed(1)},${(2 + ((v - lo) / span) * 16).toFixed(1)}`)
    .join(' ');
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
  const levels = seriesLevels.value;
  const seriesText = series !== null ? `Series ${series + 1}/${levels.length} (${levels[series]} strokes) · ` : '';
  if (status === 'running' || status === 'cancelling') {
    const trend = lossTrend(lossTrail.value);
    const iterating = runPhase.value === 'optimize' && !!sketch && sketch.iteration > 0;
    const text =
      runPhase.value === 'model'
        ? 'Preparing the model…'
        : !iterating
          ? 'Placing the first strokes…'
          : `Iteration ${sketch.iteration} / ${sketch.iterations} · loss ${sketch.bestLoss.toFixed(3)}`;
    return (
      <div class="progress" data-testid="progress" aria-live="polite">
        <Text>
          {status === 'cancelling' ? (
            'Stopping, keeping the best strokes…'
          ) : (
            <>
              {seriesText + text}
              {iterating && trend && <TrendArrow trend={trend} />}
              {iterating && ` · ${formatDuration(sketch.etaMs)} left`}
            </>
          )}
        </Text>
        <Sparkline values={lossTrail.value} />
        {backend.value && (
          <Text class="muted">
            Running on {backend.value.label}: {backend.value.reason}.
          </Text>
        )}
        <FocusHint />
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
      {backend.value && (
        <Text class="muted">
          Ran on {backend.value.label}: {backend.value.reason}.
        </Text>
      )}
      <FocusHint />
    </div>
  );
}
