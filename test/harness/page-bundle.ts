// Bundles a browser entry the way build.mjs bundles the UI (binary loader for wasm and model
// bytes, inline module script) and wraps it in a one-file HTML page, for tests that need
// the UI's single-file setup without the whole UI.
import { build } from 'esbuild';

export async function singleFilePage(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    loader: { '.wasm': 'binary', '.bin': 'binary' },
    logLevel: 'silent',
  });
  const js = result.outputFiles[0].text;
  return `<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module">\n${js}\n</script></body></html>`;
}
