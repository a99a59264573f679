// argv -> a plain command object (pure: no I/O), table-tested. Range checks are the engine's
// own (resolveOptions), so the CLI and the library reject the same values with the same words.
import { MODEL_REGISTRY } from '../../models/registry.ts';
import { resolveOptions, type BackendChoice, type Preset, type SketchOptions } from '../engine/options.ts';

export class UsageError extends Error {}

export interface RunCommand {
  kind: 'run';
  image: string;
  options: SketchOptions;
  /** SVG path; null = SVG to stdout (unless --json). */
  output: string | null;
  png: string | null;
  json: boolean;
  quiet: boolean;
}

export type Command = RunCommand | { kind: 'help' } | { kind: 'version' };

export const USAGE = `Usage: sketchify <image> [options]

Turns a photo (PNG or JPEG) into a line sketch of a few Bezier strokes (CLIPasso).

Options:
  --strokes N       number of strokes, 1-128 (default 16; fewer = more abstract)
  --preset P        draft | standard | best (default standard)
  --iterations N    optimization steps (overrides the preset)
  --views N         augmented views per step (overrides the preset)
  --seeds N         initializations optimized together; the lowest loss wins
  --seed N          random seed (default 0)
  --model ID        loss model: ${MODEL_REGISTRY.map((m) => m.id).join(', ')} (default embedded)
  --width W         stroke width in pixels of the 224 px canvas (default 3)
  --backend B       auto | cpu | webgpu (default auto)
  -o, --output F    write the SVG to F (default: stdout)
  --png F           also write a PNG rendering of the sketch
  --json            print a JSON summary on stdout
  -q, --quiet       no progress on stderr
  -h, --help        this help
  --version         the version

Exit codes: 0 done, 1 failure (model load, writing output, engine error), 2 usage error
(unknown or out-of-range option, unknown model), 3 unusable input image (unreadable file,
unsupported format, corrupt, too small or large), 130 interrupted (best strokes so far written).
`;

const NUMERIC: Record<string, keyof SketchOptions> = {
  '--strokes': 'strokes',
  '--iterations': 'iterations',
  '--views': 'views',
  '--seeds': 'seeds',
  '--seed': 'seed',
  '--width': 'width',
};
const STRING = new Set(['--preset', '--model', '--backend', '-o', '--output', '--png']);
const BOOLEAN = new Set(['--json', '-q', '--quiet', '-h', '--help', '--version']);

function parseNumber(flag: string, text: string): number {
  if (!/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(text)) throw new UsageError(`${flag} expects a number, got '${text}'`);
  return Number(text);
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
    if (!known.includes(values['--model'])) throw new UsageError(`unknown model '${values['--model']}': known models are ${known.join(', ')}`);
    options.model = values['--model'];
  }
  if ('--backend' in values) options.backend = values['--backend'] as BackendChoice;
  if ('-o' in values && '--output' in values) throw new UsageError('-o and --output both given');
  if (positional.length === 0) throw new UsageError('missing <image>');
  if (positional.length > 1) throw new UsageError(`one image at a time, got ${positional.length}: ${positional.join(' ')}`);
  try {
    resolveOptions(options);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    kind: 'run',
    image: positional[0],
    options,
    output: values['-o'] ?? values['--output'] ?? null,
    png: values['--png'] ?? null,
    json: flags.has('--json'),
    quiet: flags.has('-q') || flags.has('--quiet'),
  };
}
