// Build step: the embedded model file from the installed nsfwjs package (reproducible, nothing
// downloaded). Reads nsfwjs's bundled MobileNetV2 (model.min.js + group1-shard1of1.min.js, as
// text), keeps the backbone up to `out_relu` with its weights as stored (uint8 + min/scale) and
// writes build/models/embedded-mobilenetv2.bin (format: src/engine/networks/tfjs/pack.ts).
//   npx tsx models/build-embedded.ts        (build.mjs runs it first)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseModelBundle, parseShardBundle } from '../src/engine/networks/tfjs/bundle.ts';
import { readLayersModel, type LayersModel } from '../src/engine/networks/tfjs/layers.ts';
import { packLayersModel } from '../src/engine/networks/tfjs/pack.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const EMBEDDED_MODEL_PATH = join(ROOT, 'build/models/embedded-mobilenetv2.bin');
const NSFWJS_MODEL_DIR = 'dist/models/mobilenet_v2';

/** nsfwjs's full MobileNetV2 (head included), read from the installed package. */
export function readNsfwjsMobileNetV2(root = ROOT): { model: LayersModel; version: string } {
  const pkgDir = join(root, 'node_modules/nsfwjs');
  let version: string;
  try {
    version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch (error) {
    throw new Error(`nsfwjs is not installed (run npm ci): ${(error as Error).message}`);
  }
  const dir = join(pkgDir, NSFWJS_MODEL_DIR);
  const json = parseModelBundle(readFileSync(join(dir, 'model.min.js'), 'utf8'));
  const manifest = (json as { weightsManifest: { paths: string[] }[] }).weightsManifest;
  const shards = manifest.flatMap((g) => g.paths).map((p) => parseShardBundle(readFileSync(join(dir, `${p}.min.js`), 'utf8')));
  const data = new Uint8Array(shards.reduce((a, s) => a + s.length, 0));
  shards.reduce((o, s) => (data.set(s, o), o + s.length), 0);
  return { model: readLayersModel(json, data), version };
}

/** Writes the embedded model file; returns its path and size in bytes. */
export function buildEmbeddedModel(root = ROOT, out = EMBEDDED_MODEL_PATH): { path: string; bytes: number } {
  const { model, version } = readNsfwjsMobileNetV2(root);
  const packed = packLayersModel(model, ['out_relu'], { origin: `nsfwjs@${version} ${NSFWJS_MODEL_DIR}`, licence: 'MIT' });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, packed);
  return { path: out, bytes: packed.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { path, bytes } = buildEmbeddedModel();
  console.log(`[build] ${path.slice(ROOT.length + 1)} ${(bytes / 1024 / 1024).toFixed(2)} MiB`);
}
