// The engine worker's two large assets, onnxruntime-web's wasm and the embedded model. The
// single-file window (dist/ui.html) inlines their bytes; the hosted site (dist/web) keeps them
// as content-hashed files beside index.html, fetched once and checked against the SHA-256
// the build recorded, so a truncated or tampered file is refused in plain words.
import { sha256Hex } from '../../engine/index.ts';

/** What a binary import gives: the bytes, or the site's descriptor of the file (build.mjs). */
export type BundledAsset = Uint8Array | { file: string; sha256: string; bytes: number };

const loaded = new Map<string, Promise<Uint8Array>>();

/** The site's directory, set before the worker bundle runs (scripts/build-web.mjs). */
function assetBase(): string {
  const base = (self as { sketchifyAssetBase?: unknown }).sketchifyAssetBase;
  if (typeof base !== 'string') throw new Error('this window does not say where its files are (sketchifyAssetBase)');
  return base;
}

async function fetchChecked(asset: Exclude<BundledAsset, Uint8Array>, what: string): Promise<Uint8Array> {
  const url = new URL(asset.file, assetBase()).href;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(
      `${what} could not be loaded from ${url} (${(error as Error).message}): check the connection to the plugin window's site.`,
    );
  }
  if (!response.ok) throw new Error(`${what} could not be loaded from ${url}: HTTP ${response.status}.`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength !== asset.bytes)
    throw new Error(`${what} from ${url} has ${bytes.byteLength} bytes, expected ${asset.bytes}: the site serves another file.`);
  const digest = await sha256Hex(bytes);
  if (digest !== asset.sha256)
    throw new Error(
      `${what} from ${url} does not match its SHA-256 (${digest.slice(0, 12)}…, expected ${asset.sha256.slice(0, 12)}…): refused.`,
    );
  return bytes;
}

/** The asset's bytes: at once when inlined, else fetched and verified once per worker. */
export function assetBytes(asset: BundledAsset, what: string): Promise<Uint8Array> {
  if (asset instanceof Uint8Array) return Promise.resolve(asset);
  let bytes = loaded.get(asset.file);
  if (!bytes) {
    bytes = fetchChecked(asset, what);
    loaded.set(asset.file, bytes);
    // A failure is not kept: the next call tries again.
    bytes.catch(() => loaded.delete(asset.file));
  }
  return bytes;
}
