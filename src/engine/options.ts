// sketchify options: presets, explicit overrides and their validation (specific errors).
import { MAX_STROKES } from '../common/limits.ts';
import type { WeightOverrides } from './loss/weights.ts';
import type { LrSchedule } from './optimize/schedule.ts';

export type Preset = 'draft' | 'standard' | 'best';
export type BackendChoice = 'auto' | 'cpu' | 'webgpu';
/** 'auto' sketches the subject (the image's transparency, else an estimate); 'off' the whole image. */
export type SubjectChoice = 'auto' | 'off';

export interface SketchOptions {
  /** Number of strokes, 1 to MAX_STROKES (default 16). Fewer = more abstract. */
  strokes?: number;
  /** Stroke width in pixels of the 224 canvas (default 3, as CLIPasso). */
  width?: number;
  /** Iterations, views and seeds in one word (default 'standard'). */
  preset?: Preset;
  /** Overrides of the preset. */
  iterations?: number;
  /** Augmented views per iteration besides the clean one. */
  views?: number;
  /** Independent initializations optimized together; the lowest loss wins. */
  seeds?: number;
  /** Evaluate on the clean view every this many iterations. */
  evalEvery?: number;
  /** Adam's (peak) learning rate in canvas pixels (CLIPasso: 1, constant). */
  lr?: number;
  /** 'cosine' decays from lr to lr/10 over the iterations; 'constant' keeps it (CLIPasso). */
  lrSchedule?: LrSchedule;
  /** Base random seed (default 0): the same seed gives the same sketch. */
  seed?: number;
  /** Model id (default 'embedded'). */
  model?: string;
  weights?: WeightOverrides;
  backend?: BackendChoice;
  /** Stop when the clean loss plateaus (default true); false runs every iteration. */
  earlyStop?: boolean;
  /** What the strokes should draw (default 'auto': the subject, not the background). */
  subject?: SubjectChoice;
  /**
   * Strokes to start from, in image pixels, laid out as SketchResult.points: 8 numbers per
   * stroke (4 control points x, y). Without it the engine initializes as usual. `frozen` lists
   * indices into these strokes (0-based) that are rendered and count in the loss but never
   * move: they come back bitwise equal to the input. With `initial` the stroke count is
   * initial - remove + add (`strokes`, if given, must agree), and with no `add` one seed runs
   * (seeds would all start from the same drawing).
   */
  initial?: InitialStrokes;
  /** Strokes added to `initial` where the drawing misses the subject most (needs `initial`). */
  add?: number;
  /** The least useful non-frozen initial strokes, removed before optimizing: those whose removal raises the clean loss least (needs `initial`). */
  remove?: number;
}

export interface InitialStrokes {
  points: ArrayLike<number>;
  frozen?: readonly number[];
}

export interface PresetValues {
  iterations: number;
  views: number;
  seeds: number;
  evalEvery: number;
  /** Pool of augmentations drawn once per run (target features precomputed). */
  poolSize: number;
  /** Stop when the best clean loss improved less than `plateauTolerance` (relative) over this many evaluations. */
  patience: number;
  lr: number;
  lrSchedule: LrSchedule;
}

// Tuned on the embedded model and the CPU path; the runs behind these values: docs/performance.md#presets.
export const PRESETS: Readonly<Record<Preset, Readonly<PresetValues>>> = {
  draft: { iterations: 100, views: 1, seeds: 1, evalEvery: 10, poolSize: 6, patience: 4, lr: 3, lrSchedule: 'cosine' },
  standard: { iterations: 400, views: 1, seeds: 2, evalEvery: 10, poolSize: 12, patience: 8, lr: 3, lrSchedule: 'cosine' },
  best: { iterations: 2000, views: 4, seeds: 3, evalEvery: 10, poolSize: 32, patience: 10, lr: 2, lrSchedule: 'cosine' },
};

export const PLATEAU_TOLERANCE = 2e-3;

export interface ResolvedOptions extends PresetValues {
  strokes: number;
  width: number;
  preset: Preset;
  seed: number;
  model: string;
  weights: WeightOverrides;
  backend: BackendChoice;
  earlyStop: boolean;
  subject: SubjectChoice;
  /** The checked initial strokes (a copy of the input values), or null for a fresh sketch. */
  initial: ResolvedInitial | null;
  add: number;
  remove: number;
}

export interface ResolvedInitial {
  /** The input values as given (image pixels, N*8). */
  points: Float64Array;
  /** Frozen stroke indices, ascending. */
  frozen: number[];
}

export const LIMITS = {
  strokes: [1, MAX_STROKES],
  width: [0.25, 32],
  iterations: [0, 20000],
  views: [0, 16],
  seeds: [1, 8],
  evalEvery: [1, 1000],
  lr: [1e-4, 100],
  seed: [0, 2 ** 31 - 1],
  add: [0, MAX_STROKES],
  remove: [0, MAX_STROKES],
} as const;

const INTEGER_OPTIONS = new Set(['strokes', 'iterations', 'views', 'seeds', 'evalEvery', 'seed', 'add', 'remove']);

function check(name: keyof typeof LIMITS, value: number): number {
  const [lo, hi] = LIMITS[name];
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new RangeError(`option '${name}' must be a finite number, got ${String(value)}`);
  if (INTEGER_OPTIONS.has(name) && !Number.isInteger(value)) throw new RangeError(`option '${name}' must be an integer, got ${value}`);
  if (value < lo || value > hi) throw new RangeError(`option '${name}' must be between ${lo} and ${hi}, got ${value}`);
  return value;
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`option '${name}' must be true or false, got ${String(value)}`);
  return value;
}

function checkSchedule(value: unknown): LrSchedule {
  if (value !== 'constant' && value !== 'cosine')
    throw new RangeError(`option 'lrSchedule' must be constant or cosine, got '${String(value)}'`);
  return value;
}

function checkSubject(value: unknown): SubjectChoice {
  if (value !== 'auto' && value !== 'off') throw new RangeError(`option 'subject' must be auto or off, got '${String(value)}'`);
  return value;
}

const KNOWN = new Set([
  'strokes',
  'width',
  'preset',
  'iterations',
  'views',
  'seeds',
  'evalEvery',
  'lr',
  'seed',
  'model',
  'weights',
  'backend',
  'earlyStop',
  'lrSchedule',
  'subject',
  'initial',
  'add',
  'remove',
]);

function checkInitial(value: unknown): ResolvedInitial {
  if (typeof value !== 'object' || value === null)
    throw new TypeError(`option 'initial' must be an object { points, frozen? }, got ${String(value)}`);
  for (const key of Object.keys(value))
    if (key !== 'points' && key !== 'frozen') throw new TypeError(`unknown option 'initial.${key}' (known: points, frozen)`);
  const { points, frozen = [] } = value as InitialStrokes;
  if (typeof points !== 'object' || points === null || typeof points.length !== 'number')
    throw new TypeError(`option 'initial.points' must be an array of numbers, got ${String(points)}`);
  if (points.length === 0 || points.length % 8 !== 0)
    throw new RangeError(`option 'initial.points' must hold 8 numbers per stroke (4 control points x, y), got ${points.length} numbers`);
  const copy = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const v = points[i];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new RangeError(`option 'initial.points' must be finite numbers: value ${i} (stroke ${Math.floor(i / 8)}) is ${String(v)}`);
    copy[i] = v;
  }
  const n = points.length / 8;
  if (!Array.isArray(frozen)) throw new TypeError(`option 'initial.frozen' must be an array of stroke indices, got ${String(frozen)}`);
  const seen = new Set<number>();
  for (const f of frozen as unknown[]) {
    if (typeof f !== 'number' || !Number.isInteger(f) || f < 0 || f >= n)
      throw new RangeError(
        `option 'initial.frozen' holds ${String(f)}: indices are whole numbers from 0 to ${n - 1} (${n} initial strokes)`,
      );
    if (seen.has(f)) throw new RangeError(`option 'initial.frozen' lists stroke ${f} twice`);
    seen.add(f);
  }
  return { points: copy, frozen: [...seen].sort((a, b) => a - b) };
}

/** The stroke count of a continued sketch (initial - remove + add), checked against the limits and `strokes`. */
function continuedStrokes(initial: ResolvedInitial, add: number, remove: number, strokes: number | undefined): number {
  const n = initial.points.length / 8;
  const movable = n - initial.frozen.length;
  if (remove > movable) throw new RangeError(`option 'remove' (${remove}) exceeds the ${movable} initial strokes that are not frozen`);
  const total = n - remove + add;
  const sum = `${n} initial strokes - remove ${remove} + add ${add} = ${total}`;
  if (total < 1) throw new RangeError(`${sum}: a sketch needs at least 1 stroke`);
  if (total > MAX_STROKES) throw new RangeError(`${sum}: more than ${MAX_STROKES} strokes`);
  if (strokes !== undefined && strokes !== total)
    throw new RangeError(`option 'strokes' (${strokes}) does not match ${sum}: leave 'strokes' out or make it agree`);
  return total;
}

export function resolveOptions(options: SketchOptions = {}): ResolvedOptions {
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw new TypeError(`unknown option '${key}'`);
  const preset = options.preset ?? 'standard';
  if (!(preset in PRESETS)) throw new RangeError(`option 'preset' must be one of ${Object.keys(PRESETS).join(', ')}, got '${preset}'`);
  const backend = options.backend ?? 'auto';
  if (!['auto', 'cpu', 'webgpu'].includes(backend)) throw new RangeError(`option 'backend' must be auto, cpu or webgpu, got '${backend}'`);
  const model = options.model ?? 'embedded';
  if (typeof model !== 'string' || model.length === 0) throw new TypeError(`option 'model' must be a model id string`);
  const p = PRESETS[preset];
  const pick = (name: keyof typeof LIMITS, fallback: number): number =>
    check(name, (options as Record<string, number | undefined>)[name] ?? fallback);
  const views = pick('views', p.views);
  const seeds = pick('seeds', p.seeds);
  const add = pick('add', 0),
    remove = pick('remove', 0);
  const initial = options.initial === undefined ? null : checkInitial(options.initial);
  if (!initial && (options.add !== undefined || options.remove !== undefined))
    throw new RangeError(`option '${options.add !== undefined ? 'add' : 'remove'}' needs 'initial' (the strokes to continue)`);
  const strokes = initial
    ? continuedStrokes(initial, add, remove, options.strokes === undefined ? undefined : pick('strokes', 16))
    : pick('strokes', 16);
  return {
    ...p,
    preset,
    backend,
    model,
    strokes,
    width: pick('width', 3),
    iterations: pick('iterations', p.iterations),
    views,
    seeds: initial && add === 0 ? 1 : seeds,
    evalEvery: pick('evalEvery', p.evalEvery),
    lr: pick('lr', p.lr),
    lrSchedule: checkSchedule(options.lrSchedule ?? p.lrSchedule),
    seed: pick('seed', 0),
    poolSize: Math.max(p.poolSize, views),
    weights: options.weights ?? {},
    earlyStop: checkBoolean('earlyStop', options.earlyStop ?? true),
    subject: checkSubject(options.subject ?? 'auto'),
    initial,
    add,
    remove,
  };
}
