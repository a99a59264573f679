// The sketchify CLI entry (dist/cli.js; also `npx tsx src/cli/main.ts`). The one place that
// exits the process; everything else is runCli.
import { rmSync } from 'node:fs';
import { loadCliModel } from './models.ts';
import { nodeFileIo } from './node-io.ts';
import { runCli } from './run.ts';
import { pendingTemporaryFiles } from './write-outputs.ts';

async function runMain(): Promise<never> {
  const controller = new AbortController();
  // First Ctrl-C: stop and write the best strokes so far; a second one exits at once, leaving
  // no temporary file behind (a target file is only ever replaced by a rename).
  process.once('SIGINT', () => {
    controller.abort();
    process.once('SIGINT', () => {
      for (const temp of pendingTemporaryFiles()) rmSync(temp, { force: true });
      process.exit(130);
    });
  });
  const code = await runCli(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stderr.isTTY),
    columns: process.stderr.columns ?? 80,
    env: process.env,
    ...nodeFileIo(),
    loadModel: loadCliModel,
    signal: controller.signal,
    version: '0.1.0',
  });
  process.exit(code);
}

await runMain();
