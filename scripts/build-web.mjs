// The plugin window as a static site, dist/web/ (issue: a secure plugin window). build.mjs
// calls these; the site is what a hosted window (SKETCHIFY_WINDOW_URL) serves:
//   index.html                  a Content-Security-Policy, the first "loading" word to the
//                               sandbox (inline, allowed by its hash), the CSS and the UI script
//   sketchify-<hash>.js / .css  the UI, with the engine worker's bundle inside it
//   ort-wasm-…-<hash>.wasm      onnxruntime-web's wasm, fetched by the engine worker
//   embedded-mobilenetv2-<hash>.bin  the embedded model's weights, fetched by the engine worker
// Every name carries its content's hash, so a host may cache them forever; only index.html
// must be revalidated. The worker checks each asset's SHA-256 before use (src/ui/worker/assets.ts).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Starts dist/web/ empty, so no stale hashed file lingers. */
export function resetWebDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/**
 * Worker builds for the site: a `.wasm` or `.bin` import becomes a file beside index.html
 * named by its hash, and the import a descriptor `{ file, sha256, bytes }` (the single-file
 * window inlines the bytes instead).
 */
export function assetFiles(dir, log) {
  return {
    name: 'asset-files',
    setup(build) {
      build.onLoad({ filter: /\.(wasm|bin)$/ }, (args) => {
        const bytes = readFileSync(args.path);
        const digest = sha256(bytes);
        const ext = extname(args.path);
        const file = `${basename(args.path, ext)}-${digest.slice(0, 16)}${ext}`;
        writeFileSync(join(dir, file), bytes);
        log(`dist/web/${file} ${(bytes.length / 1024 / 1024).toFixed(2)} MiB`);
        return { contents: `export default ${JSON.stringify({ file, sha256: digest, bytes: bytes.length })};`, loader: 'js' };
      });
    },
  };
}

/**
 * The worker bundle's source as the site's UI module exports it: prefixed, at run time, with
 * the page's directory, where the worker (started from a Blob, so without a base URL of its
 * own) finds the hashed assets.
 */
export function workerModuleForSite(source) {
  return `export default "self.sketchifyAssetBase=" + JSON.stringify(new URL(".", document.baseURI).href) + ";\\n" + ${JSON.stringify(source)};`;
}

/** The page's policy: its own files, the model hosts of the manifest, wasm, blob/data workers. */
export function sitePolicy(allowedDomains, helloScript) {
  const hosts = allowedDomains.filter((d) => d !== 'none').join(' ');
  return [
    "default-src 'none'",
    `script-src 'self' blob: 'wasm-unsafe-eval' 'sha256-${createHash('sha256').update(helloScript).digest('base64')}'`,
    "worker-src 'self' blob: data:",
    `connect-src 'self' blob: data: ${hosts}`.trim(),
    "img-src 'self' blob: data:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Writes the UI's hashed script and stylesheet and the index.html that loads them. */
export function writeSite(dir, { outputFiles, helloScript, allowedDomains, stamp }) {
  const js = outputFiles.find((f) => f.path.endsWith('.js'));
  const css = outputFiles.find((f) => f.path.endsWith('.css'));
  if (!js || !css) throw new Error('the site build must give one .js and one .css file');
  const jsText = stamp(js.text);
  const named = (text, ext) => `sketchify-${sha256(text).slice(0, 16)}${ext}`;
  const jsName = named(jsText, '.js');
  const cssName = named(css.text, '.css');
  writeFileSync(join(dir, jsName), jsText);
  writeFileSync(join(dir, cssName), css.text);
  if (/<\/script/i.test(helloScript)) throw new Error('the hello script contains a closing </script> tag');
  const html =
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${sitePolicy(allowedDomains, helloScript)}">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>Sketchify</title>\n' +
    `<script>${helloScript}</script>\n` +
    `<link rel="stylesheet" href="${cssName}">\n` +
    `<script type="module" src="${jsName}"></script>\n</head>\n<body>\n<div id="root"></div>\n</body>\n</html>\n`;
  writeFileSync(join(dir, 'index.html'), html);
  return { jsName, cssName };
}

const MODEL_HOSTS = ['https://huggingface.co', 'https://*.hf.co'];
const MODEL_REASONING =
  'Only for the optional CLIP models: their OpenAI weights (MIT) are read from Hugging Face on first use. huggingface.co answers each file request with a redirect to one of its file hosts under hf.co (the us/eu CDN hosts such as us.aws.cdn.hf.co, the Xet hosts such as cas-server.xethub.hf.co and transfer.xethub.hf.co, and cdn-lfs-us-1.hf.co; the list changes, hence the wildcard). The default embedded model needs no network.';

/**
 * manifest.json's network access for this build: the model hosts, plus the hosted window's
 * origin when there is one (https in allowedDomains; a local http one in devAllowedDomains).
 * Returns the manifest's new text, or null when it is already right.
 */
export function manifestFor(text, windowOrigin) {
  const manifest = JSON.parse(text);
  const local = windowOrigin && /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(windowOrigin);
  const networkAccess = {
    allowedDomains: windowOrigin && !local ? [...MODEL_HOSTS, windowOrigin] : [...MODEL_HOSTS],
    reasoning: windowOrigin
      ? `${MODEL_REASONING} ${windowOrigin} serves the plugin's own window (dist/web): a secure page, so WebGPU and downloaded models that stay.`
      : MODEL_REASONING,
  };
  if (local) networkAccess.devAllowedDomains = [windowOrigin];
  const next = `${JSON.stringify({ ...manifest, networkAccess }, null, 2)}\n`;
  return next === text ? null : next;
}
