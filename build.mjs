// Builds Sketchify with esbuild.
//   node build.mjs           production: minified dist/code.js, dist/ui.html, dist/cli.js
//   node build.mjs --watch   development: unminified, rebuilds on change, and serves the host
//                            harness (test/harness/host.html) on 127.0.0.1
// Outputs:
//   dist/code.js   the Figma sandbox (src/plugin/main.ts), iife, es2017, no DOM
//   dist/ui.html   the iframe UI (src/ui/main.tsx) as ONE self-contained file: JS, CSS, the
//                  onnxruntime-web wasm and the embedded model inlined (the iframe loads nothing)
//   dist/cli.js    the Node CLI (src/cli/main.ts), esm, npm packages left external
//   dist/web/      the same window as a static site (scripts/build-web.mjs): index.html and
//                  content-hashed files, for a hosted, secure plugin window
//   build/harness/host.js   the host harness script (tests and `npm run dev` only)
// SKETCHIFY_WINDOW_URL=https://… makes the sandbox open that hosted window (falling back to
// dist/ui.html) and records its origin in manifest.json's network access.
// An entry that does not exist yet is skipped with a note, never an error.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { assetFiles, manifestFor, resetWebDir, workerModuleForSite, writeSite } from './scripts/build-web.mjs';

const ROOT = dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes('--watch');
const minify = !watch && !process.argv.includes('--no-minify');
const at = (p) => join(ROOT, p);

const ENTRIES = {
  sandbox: 'src/plugin/main.ts',
  ui: 'src/ui/main.tsx',
  site: 'src/ui/main.tsx',
  cli: 'src/cli/main.ts',
  harness: 'test/harness/host.ts',
};

// Binary assets become Uint8Arrays in the bundle: the ORT wasm and the embedded model.
const BINARY_LOADERS = { '.wasm': 'binary', '.bin': 'binary' };
const WORKER_ENTRY = 'src/ui/worker/engine-worker.ts';
const WEB_DIR = at('dist/web');

/** The hosted window's URL ('' = the bundled window only), checked like the sandbox checks it. */
function windowUrl() {
  const url = (process.env.SKETCHIFY_WINDOW_URL ?? '').trim();
  if (!url) return { url: '', origin: null };
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`SKETCHIFY_WINDOW_URL '${url}' is not a URL`);
  }
  const local = parsed.hostname === 'localhost' || parsed.hostname === '127.0.0.1';
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && local))
    throw new Error(`SKETCHIFY_WINDOW_URL must be https (http only on localhost), got '${url}'`);
  return { url: parsed.href, origin: parsed.origin };
}
const WINDOW = windowUrl();

/** @create-figma-plugin/ui marks global stylesheets with a leading '!'; resolve them as plain CSS. */
const globalCssPrefix = {
  name: 'global-css-prefix',
  setup(build) {
    build.onResolve({ filter: /^!.*\.css$/ }, (args) => ({ path: resolve(args.resolveDir, args.path.slice(1)) }));
  },
};

/**
 * The engine's modules do nothing when imported (no registration, no globals), and the UI, its
 * workers and the CLI reach them all through one module, src/engine/index.ts. Saying so lets a
 * bundle that uses a little of the engine (the UI's main thread: the presets) leave out the rest,
 * onnx-proto included, as it did when it imported engine files directly.
 */
const engineWithoutSideEffects = {
  name: 'engine-without-side-effects',
  setup(build) {
    const engine = at('src/engine') + sep;
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const path = resolve(args.resolveDir, args.path);
      if (!path.startsWith(engine) || !existsSync(path) || !statSync(path).isFile()) return undefined;
      return { path, sideEffects: false };
    });
  },
};

const log = (line) => console.log(`[build] ${line}`);
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

function reportErrors(name, result) {
  for (const w of result.warnings) log(`${name} warning: ${w.text}${w.location ? ` (${w.location.file}:${w.location.line})` : ''}`);
}

/** Runs `options` once, or as a watching context that calls `onDone` after every rebuild. */
async function run(name, options, onDone = () => {}) {
  if (!watch) {
    const result = await esbuild.build(options);
    reportErrors(name, result);
    await onDone(result);
    return;
  }
  const ctx = await esbuild.context({
    ...options,
    plugins: [
      ...(options.plugins ?? []),
      {
        name: 'rebuild-report',
        setup(b) {
          b.onEnd(async (result) => {
            if (result.errors.length > 0) return log(`${name}: ${result.errors.length} error(s), waiting for changes`);
            reportErrors(name, result);
            try {
              await onDone(result);
            } catch (error) {
              log(`${name}: ${error.message}`);
            }
          });
        },
      },
    ],
  });
  await ctx.watch();
}

function buildSandbox() {
  return run(
    'sandbox',
    {
      entryPoints: [at(ENTRIES.sandbox)],
      bundle: true,
      format: 'iife',
      // Figma's sandbox runs an older JS engine; es2017 is the safe syntax level.
      target: 'es2017',
      platform: 'browser',
      outfile: at('dist/code.js'),
      define: { __SKETCHIFY_WINDOW_URL__: JSON.stringify(WINDOW.url) },
      minify,
      sourcemap: watch ? 'inline' : false,
      logLevel: 'warning',
    },
    () => log(`dist/code.js ${mib(statSync(at('dist/code.js')).size)}`),
  );
}

/**
 * `import source from 'sketchify:engine-worker'`: the engine worker (src/ui/worker) bundled to
 * a string, which the UI starts from a blob URL (the single-file iframe has no other URL).
 */
const engineWorker = (site = false) => ({
  name: 'engine-worker',
  setup(build) {
    build.onResolve({ filter: /^sketchify:engine-worker$/ }, () => ({ path: at(WORKER_ENTRY), namespace: 'engine-worker' }));
    build.onLoad({ filter: /.*/, namespace: 'engine-worker' }, async (args) => {
      const result = await esbuild.build({
        entryPoints: [args.path],
        bundle: true,
        write: false,
        // A classic worker: Chromium refuses module workers from blob URLs in an opaque-origin
        // (sandboxed, Figma-like) iframe. ORT only reads import.meta.url to locate files it
        // does not need here (the wasm is inlined), and guards those reads.
        format: 'iife',
        target: 'es2022',
        platform: 'browser',
        loader: BINARY_LOADERS,
        plugins: site ? [assetFiles(WEB_DIR, log), engineWithoutSideEffects] : [engineWithoutSideEffects],
        minify,
        sourcemap: watch ? 'inline' : false,
        legalComments: 'none',
        metafile: true,
        logLevel: 'warning',
      });
      const source = result.outputFiles[0].text;
      log(`engine worker${site ? ' (site)' : ''} ${mib(Buffer.byteLength(source))}`);
      return {
        contents: site ? workerModuleForSite(source) : `export default ${JSON.stringify(source)};`,
        loader: 'js',
        watchFiles: Object.keys(result.metafile.inputs).map((f) => resolve(ROOT, f)),
      };
    });
  },
});

/**
 * The UI's build id and size (src/ui/build-info.ts): a fixed-width placeholder in the bundle,
 * filled once the HTML is assembled with the first 12 hex digits of its SHA-256 and its exact
 * byte size (the same width, so the size it states stays exact).
 */
const UI_BUILD_PLACEHOLDER = `sketchify-ui:${'x'.repeat(12)}:${'0'.repeat(10)}`;

function stampUiBuild(html) {
  if (html.split(UI_BUILD_PLACEHOLDER).length !== 2) throw new Error('the UI bundle must hold the build placeholder exactly once');
  const id = createHash('sha256').update(html).digest('hex').slice(0, 12);
  const bytes = String(Buffer.byteLength(html)).padStart(10, '0');
  return html.replace(UI_BUILD_PLACEHOLDER, `sketchify-ui:${id}:${bytes}`);
}

/** Inlines the bundle into one HTML file. */
function writeUiHtml(result) {
  const js = result.outputFiles
    .filter((f) => f.path.endsWith('.js'))
    .map((f) => f.text)
    .join('\n');
  const css = result.outputFiles
    .filter((f) => f.path.endsWith('.css'))
    .map((f) => f.text)
    .join('\n');
  // esbuild escapes `</script` and `</style` inside strings; check, since one slip would cut the page.
  if (/<\/script/i.test(js) || /<\/style/i.test(css)) throw new Error('ui bundle contains a closing </script> or </style> tag');
  const html =
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>Sketchify</title>\n' +
    `<style>\n${css}\n</style>\n</head>\n<body>\n<div id="root"></div>\n` +
    `<script type="module">\n${js}\n</script>\n</body>\n</html>\n`;
  writeFileSync(at('dist/ui.html'), stampUiBuild(html));
  log(`dist/ui.html ${mib(Buffer.byteLength(html))} (js ${mib(Buffer.byteLength(js))}, css ${mib(Buffer.byteLength(css))})`);
}

/** esbuild options of the window's UI; `site` builds it for dist/web (assets as hashed files). */
function uiOptions(site) {
  return {
    entryPoints: [at(ENTRIES.ui)],
    bundle: true,
    write: false,
    outdir: site ? WEB_DIR : at('dist/.ui'),
    // An inline module script: the ORT bundle uses import.meta and top-level await.
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    loader: { ...BINARY_LOADERS, '.module.css': 'local-css', '.css': 'css' },
    plugins: [globalCssPrefix, engineWorker(site), engineWithoutSideEffects],
    minify,
    sourcemap: watch ? 'inline' : false,
    legalComments: 'none',
    define: {
      'process.env.NODE_ENV': JSON.stringify(watch ? 'development' : 'production'),
      __SKETCHIFY_UI_BUILD__: JSON.stringify(UI_BUILD_PLACEHOLDER),
      __SKETCHIFY_WINDOW__: JSON.stringify(site ? 'hosted' : 'bundled'),
    },
    logLevel: 'warning',
  };
}

function buildUi() {
  return run('ui', uiOptions(false), writeUiHtml);
}

/** The first script of dist/web/index.html (src/ui/window-hello.ts), minified to one line. */
async function helloScript() {
  const result = await esbuild.build({
    entryPoints: [at('src/ui/window-hello.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return result.outputFiles[0].text.trim();
}

/** dist/web/: the same UI as a static site of content-hashed files. */
function buildSite() {
  resetWebDir(WEB_DIR);
  return run('site', uiOptions(true), async (result) => {
    const manifest = JSON.parse(readFileSync(at('manifest.json'), 'utf8'));
    const { jsName } = writeSite(WEB_DIR, {
      outputFiles: result.outputFiles,
      helloScript: await helloScript(),
      allowedDomains: manifest.networkAccess?.allowedDomains ?? [],
      stamp: stampUiBuild,
    });
    log(`dist/web/index.html + ${jsName}${WINDOW.url ? ` (to be served at ${WINDOW.url})` : ''}`);
  });
}

/** manifest.json's network access follows SKETCHIFY_WINDOW_URL (the model hosts, plus its origin). */
function recordWindowInManifest() {
  const next = manifestFor(readFileSync(at('manifest.json'), 'utf8'), WINDOW.origin);
  if (!next) return;
  writeFileSync(at('manifest.json'), next);
  log(
    WINDOW.origin
      ? `manifest.json: network access now includes the window ${WINDOW.origin}`
      : 'manifest.json: network access back to the model hosts only',
  );
}

function buildCli() {
  return run(
    'cli',
    {
      entryPoints: [at(ENTRIES.cli)],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile: at('dist/cli.js'),
      banner: { js: '#!/usr/bin/env node' },
      // The CLI runs beside node_modules: onnxruntime-web locates its wasm next to its own
      // files, and onnxruntime-node is optional (not installable offline).
      packages: 'external',
      loader: BINARY_LOADERS,
      plugins: [engineWithoutSideEffects],
      minify: false,
      sourcemap: watch ? 'inline' : false,
      logLevel: 'warning',
    },
    () => log(`dist/cli.js ${mib(statSync(at('dist/cli.js')).size)}`),
  );
}

function buildHarness() {
  return run(
    'harness',
    {
      entryPoints: [at(ENTRIES.harness)],
      bundle: true,
      format: 'esm',
      target: 'es2022',
      platform: 'browser',
      outfile: at('build/harness/host.js'),
      sourcemap: 'inline',
      loader: BINARY_LOADERS,
      logLevel: 'warning',
    },
    () => log('build/harness/host.js'),
  );
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.json': 'application/json',
};

/** `npm run dev`: serves the project root so test/harness/host.html can load dist/ui.html. */
function serveHarness() {
  const port = Number(process.env.PORT ?? 5173);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const file = normalize(join(ROOT, path === '/' ? 'test/harness/host.html' : path));
    if (!file.startsWith(ROOT) || !existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end('not found');
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'access-control-allow-origin': '*',
    });
    createReadStream(file).pipe(res);
  });
  server.listen(port, '127.0.0.1', () => log(`host harness: http://127.0.0.1:${port}/test/harness/host.html`));
}

// Embedded model first (the UI and CLI bundles import it): build/models/embedded-mobilenetv2.bin
// from the installed nsfwjs (models/build-embedded.ts, TypeScript, hence run under tsx).
execFileSync(process.execPath, ['--import', 'tsx', at('models/build-embedded.ts')], { stdio: 'inherit', cwd: ROOT });
mkdirSync(at('dist'), { recursive: true });
recordWindowInManifest();
const steps = [
  ['sandbox', buildSandbox],
  ['ui', buildUi],
  ['site', buildSite],
  ['cli', buildCli],
  ['harness', buildHarness],
];
let failed = false;
for (const [name, step] of steps) {
  const entry = ENTRIES[name];
  if (!existsSync(at(entry))) {
    log(`skip ${name}: ${entry} does not exist yet`);
    continue;
  }
  try {
    await step();
  } catch (error) {
    failed = true;
    if (!error.errors) console.error(error);
    log(`${name} failed`);
  }
}
if (watch) serveHarness();
else if (failed) process.exit(1);
