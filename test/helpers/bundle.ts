// Bundles a TypeScript entry for a browser page (ESM, no minification, inline source maps
// so page errors point at our files). Tests serve the result from the static server or
// inject it with page.addScriptTag({ type: 'module', content }).
import { build } from 'esbuild';

export async function bundleForBrowser(entry: string, options: { globalName?: string } = {}): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: options.globalName ? 'iife' : 'esm',
    globalName: options.globalName,
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
