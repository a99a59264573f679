// Where each image's files go, and the checks made on those paths before any work: a missing
// or read-only directory, or an output that is the input photo or another output, is found in
// milliseconds instead of after minutes of optimization.
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UsageError, type RunCommand } from './args.ts';

/** The files one input image produces. */
export interface ImageOutputs {
  input: string;
  /** The SVG (the sketch, or a series side by side); null = stdout. */
  svg: string | null;
  /** With --series and -d: one SVG per stroke count, in the series' order. */
  perCount: string[] | null;
  png: string | null;
}

/** An output cannot be written (exit 1): found before any work. */
export class OutputError extends Error {}

/** What the output checks need from the file system (node-io.ts gives Node's). */
export interface PathIo {
  /** The canonical path (symlinks resolved); rejects with code ENOENT when it does not exist. */
  realpath: (path: string) => Promise<string>;
  isDirectory: (path: string) => Promise<boolean>;
  /** Rejects (e.g. EACCES, EROFS) when files cannot be created in `dir`. */
  checkWritableDir: (dir: string) => Promise<void>;
}

export function planOutputs(cmd: RunCommand): ImageOutputs[] {
  return cmd.images.map((input) => {
    if (cmd.outDir === null) return { input, svg: cmd.output, perCount: null, png: cmd.png };
    const name = basename(input, extname(input));
    const inDir = (file: string) => join(cmd.outDir as string, file);
    return { input, svg: inDir(`${name}.svg`), perCount: cmd.series?.map((n) => inDir(`${name}-${n}.svg`)) ?? null, png: null };
  });
}

export const outputPaths = (o: ImageOutputs): string[] => [o.svg, ...(o.perCount ?? []), o.png].filter((p): p is string => p !== null);

const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/** The canonical path of an output that may not exist yet: its directory's real path plus its name. */
async function resolveOutput(path: string, io: PathIo): Promise<{ real: string; exists: boolean }> {
  let real: string | null = null;
  try {
    real = await io.realpath(path); // an existing file, or a symlink to one
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw new OutputError(`cannot write ${path}: ${errorCode(error)}`);
  }
  if (real !== null) {
    if (await io.isDirectory(real)) throw new OutputError(`cannot write ${path}: it is a directory`);
    return { real, exists: true };
  }
  const dir = dirname(resolve(path));
  let realDir: string;
  try {
    realDir = await io.realpath(dir);
  } catch (error) {
    throw new OutputError(
      errorCode(error) === 'ENOENT'
        ? `cannot write ${path}: the directory ${dir} does not exist`
        : `cannot write ${path}: ${errorCode(error)}`,
    );
  }
  return { real: join(realDir, basename(path)), exists: false };
}

/**
 * Checks every output before any work and returns the set of outputs that exist already (an
 * interrupted run replaces those only with strokes that beat the initial ones). Throws
 * OutputError for a missing or unwritable directory, UsageError when an output is an input (an
 * image, or the --init SVG) or two outputs are one file.
 */
export async function checkOutputs(plans: readonly ImageOutputs[], io: PathIo, init: string | null = null): Promise<Set<string>> {
  const existing = new Set<string>();
  const owners = new Map<string, string>(); // real path -> the path as given
  const inputs = plans.map((plan) => [plan.input, `the input ${plan.input}`]);
  if (init !== null) inputs.push([init, `the --init file ${init}`]);
  for (const [path, owner] of inputs) {
    try {
      owners.set(await io.realpath(path), owner);
    } catch {
      // a missing input is reported when it is read (exit 3)
    }
  }
  const dirs = new Set<string>();
  for (const path of plans.flatMap(outputPaths)) {
    const { real, exists } = await resolveOutput(path, io);
    const owner = owners.get(real);
    if (owner)
      throw new UsageError(
        owner.startsWith('the ') ? `output ${path} is ${owner}: choose another output name` : `output ${path} is the same file as ${owner}`,
      );
    owners.set(real, `output ${path}`);
    if (exists) existing.add(path);
    dirs.add(dirname(real));
  }
  for (const dir of dirs) {
    try {
      await io.checkWritableDir(dir);
    } catch (error) {
      throw new OutputError(`cannot write in ${dir}: ${errorCode(error)}`);
    }
  }
  return existing;
}
