// argv -> a plain command object (pure: no I/O), table-tested. Range checks are the engine's
// own (resolveOptions), so the CLI and the library reject the same values with the same words.
import { MODEL_REGISTRY } from '../../models/registry.ts';
import { resolveOptions, type BackendChoice, type SubjectChoice, type Preset, type SketchOptions } from '../engine/index.ts';
import { MAX_SERIES, MAX_STROKES } from '../common/limits.ts';
import { SERIES_STROKES } from '../common/series.ts';

export class UsageError extends Error {}

export interface RunCommand {
  kind: 'run';
  /** One or more input images (several need outDir). */
  images: string[];
  options: SketchOptions;
  /** -o: the SVG of the one image; null with outDir, or for the SVG on stdout. */
  output: string | null;
  /** -d: one SVG per image (and per series count) in this directory. */
  outDir: string | null;
  png: string | null;
  /** --series: stroke counts sketched one after another and drawn side by side. */
  series: number[] | null;
  /** --nested: the series' levels share strokes (each the level above with strokes removed). */
  nested: boolean;
  /** --init: an SVG's strokes to start from, and --freeze's strokes (0-based indices). */
  init: { path: string; freeze: number[] } | null;
  json: boolean;
  quiet: boolean;
}

export type Command = RunCommand | { kind: 'help' } | { kind: 'version' };

export const USAGE = `Usage: sketchify <image> [options]
       sketchify <image>... -d DIR [options]

Turns a photo (PNG or JPEG) into a line sketch of a few Bezier strokes (CLIPasso).

Options:
  --strokes N       number of strokes, 1-${MAX_STROKES} (default 16; fewer = more abstract)
  --series LIST     an abstraction series, e.g. ${SERIES_STROKES.join(',')}: one sketch per count
                    (at most ${MAX_SERIES}), drawn side by side in one SVG
  --nested          with --series: a nested series (the largest count first; each level is
                    the level above with its least useful strokes removed, re-optimized for a
                    quarter of the iterations), so the levels share strokes; without it every
                    count is sketched afresh
  --init F.svg      start from the strokes of F.svg, a sketch of this image that Sketchify wrote
                    (edited or not); the result continues them (one image, no --series)
  --freeze LIST     with --init: strokes that stay exactly as they are, numbered from 1 in the
                    order of F.svg's paths, e.g. 1,3,5-8
  --add N           with --init: N more strokes, placed where the drawing misses the subject
  --remove N        with --init: first remove the N least useful strokes (not frozen ones)
  --preset P        draft | standard | best (default standard)
  --iterations N    optimization steps (overrides the preset)
  --views N         augmented views per step (overrides the preset)
  --seeds N         initializations optimized together; the lowest loss wins
  --seed N          random seed (default 0)
  --model ID        loss model: ${MODEL_REGISTRY.map((m) => m.id).join(', ')} (default embedded)
  --width W         stroke width in pixels of the 224 px canvas (default 3)
  --backend B       auto | cpu | webgpu (default auto)
  --subject S       auto: draw the subject (a transparent background, else an estimate of the
                    subject) and leave the background out; off: draw the whole image (default auto)
  -o, --output F    write the SVG to F (default: stdout); one image only
  -d, --out-dir D   write DIR/<name>.svg per image; with --series also DIR/<name>-<N>.svg per
                    count (<name>.svg then holds the series side by side); needed for several images
  --png F           also write a PNG rendering of the sketch (one image, no --series, with -o)
  --json            print a JSON summary per image on stdout (one line each): the SVG path(s)
                    written, the seed asked for, losses, times ({input, error} for a skipped
                    image). Needs -o or -d, since stdout then carries the JSON, not the SVG
  -q, --quiet       no progress on stderr
  -h, --help        this help
  --version         the version

Output files are checked before any work (directory exists and is writable, no output is the
input or another output), written under a temporary name and renamed, so a failure never leaves
a partial file. Progress: a bar per image on a terminal, else one line per 10 %.
Ctrl-C stops and writes the best strokes so far, but replaces an existing file only when they
beat the initial strokes' loss; a second Ctrl-C exits at once.

With several images, an unusable one is reported and skipped, and the exit code is 3.
The --init file is an input too: no output may be it.

Exit codes: 0 done, 1 failure (model load, writing output, engine error), 2 usage error
(unknown or out-of-range option, unknown model, conflicting output paths), 3 unusable input
image (unreadable file, unsupported format, corrupt, blank, too small or large) or --init SVG
(unreadable, not a Sketchify SVG of this image), 130 interrupted.
`;

const NUMERIC: Record<string, keyof SketchOptions> = {
  '--strokes': 'strokes',
  '--iterations': 'iterations',
  '--views': 'views',
  '--seeds': 'seeds',
  '--seed': 'seed',
  '--width': 'width',
  '--add': 'add',
  '--remove': 'remove',
};
const STRING = new Set([
  '--preset',
  '--model',
  '--backend',
  '--subject',
  '-o',
  '--output',
  '-d',
  '--out-dir',
  '--png',
  '--series',
  '--init',
  '--freeze',
]);
const BOOLEAN = new Set(['--json', '-q', '--quiet', '-h', '--help', '--version', '--nested']);

function parseNumber(flag: string, text: string): number {
  if (!/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(text)) throw new UsageError(`${flag} expects a number, got '${text}'`);
  return Number(text);
}

function pickAlias(values: Record<string, string>, short: string, long: string): string | null {
  if (short in values && long in values) throw new UsageError(`${short} and ${long} both given`);
  return values[short] ?? values[long] ?? null;
}

/** '4,8,16,32' -> [4, 8, 16, 32]: distinct whole stroke counts within the limits. */
function parseSeries(text: string): number[] {
  const counts = text.split(',').map((part) => {
    const n = Number(part.trim());
    if (!/^\d+$/.test(part.trim()) || n < 1 || n > MAX_STROKES)
      throw new UsageError(`--series expects stroke counts from 1 to ${MAX_STROKES} separated by commas, got '${text}'`);
    return n;
  });
  if (counts.length > MAX_SERIES) throw new UsageError(`--series holds at most ${MAX_SERIES} sketches, got ${counts.length}`);
  if (new Set(counts).size !== counts.length) throw new UsageError(`--series lists a stroke count twice: '${text}'`);
  return counts;
}

/** '1,3,5-8' (strokes numbered from 1) -> [0, 2, 4, 5, 6, 7]: distinct 0-based indices. */
export function parseFreeze(text: string): number[] {
  const bad = () =>
    new UsageError(`--freeze expects stroke numbers from 1 (the SVG's first path) separated by commas, or ranges like 5-8, got '${text}'`);
  const out: number[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw bad();
    const from = Number(m[1]),
      to = Number(m[2] ?? m[1]);
    if (from < 1 || to < from) throw bad();
    for (let n = from; n <= to; n++) {
      if (out.includes(n - 1)) throw new UsageError(`--freeze lists stroke ${n} twice: '${text}'`);
      out.push(n - 1);
    }
  }
  return out;
}

export function parseArgs(argv: readonly string[]): Command {
  const options: SketchOptions = {};
  const flags = new Set<string>();
  const values: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (BOOLEAN.has(flag)) {
      if (eq > 0) throw new UsageError(`${flag} takes no value`);
      flags.add(flag);
      continue;
    }
    if (!(flag in NUMERIC) && !STRING.has(flag)) throw new UsageError(`unknown option ${flag}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    if (flag in values) throw new UsageError(`${flag} given twice`);
    values[flag] = value;
  }
  if (flags.has('-h') || flags.has('--help')) return { kind: 'help' };
  if (flags.has('--version')) return { kind: 'version' };
  for (const [flag, key] of Object.entries(NUMERIC)) {
    if (flag in values) (options as Record<string, number>)[key] = parseNumber(flag, values[flag]);
  }
  if ('--preset' in values) options.preset = values['--preset'] as Preset;
  if ('--model' in values) {
    const known = MODEL_REGISTRY.map((m) => m.id);
    if (!known.includes(values['--model']))
      throw new UsageError(`unknown model '${values['--model']}': known models are ${known.join(', ')}`);
    options.model = values['--model'];
  }
  if ('--backend' in values) options.backend = values['--backend'] as BackendChoice;
  if ('--subject' in values) options.subject = values['--subject'] as SubjectChoice;
  const output = pickAlias(values, '-o', '--output');
  const outDir = pickAlias(values, '-d', '--out-dir');
  const series = '--series' in values ? parseSeries(values['--series']) : null;
  const png = values['--png'] ?? null;
  const json = flags.has('--json');
  if (positional.length === 0) throw new UsageError('missing <image>');
  if (output !== null && outDir !== null) throw new UsageError('-o and -d both given: -o names one file, -d a directory for all of them');
  if (positional.length > 1 && outDir === null) throw new UsageError(`${positional.length} images need -d DIR for their SVGs`);
  if (series && '--strokes' in values) throw new UsageError('--strokes and --series both given: the series sets the stroke counts');
  if (png !== null && (outDir !== null || series || output === null))
    throw new UsageError('--png works with -o and one sketch (no -d, no --series)');
  if (json && output === null && outDir === null)
    throw new UsageError('--json needs -o FILE or -d DIR: stdout carries the JSON, so the SVG needs a file');
  const nested = flags.has('--nested');
  if (nested && !series) throw new UsageError('--nested needs --series (the stroke counts of the levels)');
  const initPath = values['--init'] ?? null;
  for (const flag of ['--freeze', '--add', '--remove'])
    if (flag in values && initPath === null) throw new UsageError(`${flag} needs --init FILE.svg (the strokes to continue)`);
  if (initPath !== null && positional.length > 1) throw new UsageError('--init holds the strokes of one image: give one image');
  if (initPath !== null && series) throw new UsageError('--init and --series both given: --init continues one sketch');
  const init = initPath === null ? null : { path: initPath, freeze: '--freeze' in values ? parseFreeze(values['--freeze']) : [] };
  try {
    // add and remove are checked with the --init strokes, once the SVG is read (sketch-image.ts).
    resolveOptions({ ...options, add: undefined, remove: undefined });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    kind: 'run',
    images: positional,
    options,
    output,
    outDir,
    png,
    series,
    nested,
    init,
    json,
    quiet: flags.has('-q') || flags.has('--quiet'),
  };
}
