// `npm run bench -- <suite> [more suites]`: each suite lives in bench/<suite>.ts and exports
// `run(emit)`. Every result is printed as one JSON object per line on stdout.
import { readdirSync } from 'node:fs';

export type BenchRow = Record<string, unknown> & { case: string };
export type Emit = (row: BenchRow) => void;

const available = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'util.ts', 'eval.ts'].includes(f) && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));

const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const suites = requested.length > 0 ? requested : available;
for (const suite of suites) {
  if (!available.includes(suite)) {
    console.error(`unknown bench suite '${suite}'; available: ${available.join(', ')}`);
    process.exit(2);
  }
  const mod = (await import(`./${suite}.ts`)) as { run(emit: Emit): Promise<void> };
  await mod.run((row) => console.log(JSON.stringify({ suite, ...row })));
}
// Dawn and onnxruntime keep handles open; the results are printed, so exit explicitly.
process.exit(0);
