// UI state as module-level signals (STYLE.md): components read them, actions.ts writes them.
import { computed, signal } from '@preact/signals';
import type { SelectionState } from '../common/protocol.ts';
import type { Problem } from './errors.ts';
import type { Subject } from './subject.ts';
import type { BackendChoice, WireBackend, WireResult, WireSketch, WireSubject } from './engine/protocol.ts';
import type { WarmState } from './worker/warm.ts';
import { SERIES_STROKES } from '../common/series.ts';

export type Preset = 'draft' | 'standard' | 'best';
export const STROKE_CHOICES = ['4', '8', '16', '32'] as const;

// ---- source -------------------------------------------------------------------------
export const selection = signal<SelectionState | null>(null);
export const subject = signal<Subject | null>(null);

// ---- controls (defaults give a good result untouched) -------------------------------
export const strokeChoice = signal<string>('16'); // one of STROKE_CHOICES or 'custom'
export const customStrokes = signal(24);
export const preset = signal<Preset>('standard');
export const modelId = signal('embedded');
/** Stroke width in pixels of the 224 canvas (CLIPasso: 3). */
export const strokeWidth = signal(3);
export const colorHex = signal('1E1E1E');
export const seed = signal(0);
export const backendChoice = signal<BackendChoice>('auto');
/** 'auto': strokes draw the subject (transparency, else an estimate); 'off': the whole image. */
export const subjectChoice = signal<'auto' | 'off'>('auto');
/** Iterations instead of the preset's (Advanced); null: the preset decides. */
export const iterationsOverride = signal<number | null>(null);
export const showPhoto = signal(true);

export const strokeCount = computed(() => (strokeChoice.value === 'custom' ? customStrokes.value : Number(strokeChoice.value)));

// ---- run ----------------------------------------------------------------------------
export type RunStatus = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';
export const runStatus = signal<RunStatus>('idle');
export const runPhase = signal<'model' | 'init' | 'optimize'>('model');
/** The latest strokes shown in the preview (during a run: the current ones). */
export const live = signal<WireSketch | null>(null);
/** The finished run's best strokes: what Insert inserts. */
export const result = signal<WireResult | null>(null);
export const lossTrail = signal<number[]>([]);
export const backend = signal<WireBackend | null>(null);
/** What the last run's strokes were fitted to (the subject or the whole image), from its first strokes. */
export const sketchFocus = signal<WireSubject | null>(null);
/** Measured ms per iteration per (views x seeds) unit, from the last run: drives time estimates. */
export const measuredIterationMs = signal<number | null>(null);

// ---- abstraction series -------------------------------------------------------------
export { SERIES_STROKES } from '../common/series.ts';
export const seriesIndex = signal<number | null>(null); // which sketch of the series is running
/** The stroke counts of the series running, in run order (a nested series runs the largest first). */
export const seriesLevels = signal<readonly number[]>(SERIES_STROKES);

// ---- messages to the user -----------------------------------------------------------
export const problem = signal<Problem | null>(null);
export const notice = signal<string | null>(null);
export const inserting = signal(false);

// ---- engine warm-up (before the first run; worker/warm.ts) ---------------------------
/** 'cold' until the worker starts warming; exposed as data-engine on the panel (bench, tests). */
export const engineWarmth = signal<'cold' | WarmState>('cold');

// ---- models -------------------------------------------------------------------------
export type ModelStatus =
  | { state: 'ready'; source?: 'download' | 'file' | 'stored'; repoCommit?: string; notKept?: string }
  | { state: 'absent' }
  | { state: 'loading' }
  | { state: 'downloading'; done: number; total: number }
  | { state: 'failed' };
export const modelStatus = signal<Record<string, ModelStatus>>({ embedded: { state: 'ready' } });
/** Runs need the chosen model compiled in the worker (CLIP: downloaded or loaded from a file). */
export const modelReady = computed(() => modelStatus.value[modelId.value]?.state === 'ready');

export const canRun = computed(
  () => subject.value !== null && modelReady.value && runStatus.value !== 'running' && runStatus.value !== 'cancelling',
);
export const running = computed(() => runStatus.value === 'running' || runStatus.value === 'cancelling');

// ---- the window ---------------------------------------------------------------------
/** Which window Figma shows (src/plugin/window-mode.ts), as the sandbox told us on 'ready'. */
export const windowMode = signal<'bundled' | 'hosted'>('bundled');
/** Why the built-in window replaced a configured hosted one (one line), else null. */
export const windowNote = signal<string | null>(null);
/** CLIP weights this window keeps between sessions (hosted window only); `unavailable` says why none. */
export const storedModels = signal<{ models: { id: string; revision: string; bytes: number }[]; unavailable?: string; freed?: number }>({
  models: [],
});
