// Verified CLIP weights kept across panel sessions, where the window has storage: the hosted
// window (an https page, src/plugin/window-mode.ts) has Cache Storage; the built-in window
// (null origin) has none, and there models live in memory until the panel closes. One entry
// per model and revision, holding the same file the CLI caches (a safetensors file of only the
// tensors we read, whose metadata carries the payload's SHA-256 and the answering commit), so
// every load re-verifies names, shapes, dtypes and the digest before it compiles anything.
import type { WeightSet } from '../../engine/index.ts';

const CACHE_NAME = 'sketchify-models-v1';
const PATH = '/sketchify-models/';
const SIZE_HEADER = 'x-sketchify-bytes';

export interface StoredModel {
  id: string;
  revision: string;
  bytes: number;
}

export interface ModelKey {
  id: string;
  revision: string;
}

/** Why there is no store here, or null when there is one. */
export function storeUnavailable(scope: { origin?: string; caches?: unknown; isSecureContext?: boolean } = self): string | null {
  if (!scope.origin || scope.origin === 'null')
    return 'this window has no origin of its own (Figma’s built-in window), so the browser gives it no storage';
  if (!scope.isSecureContext) return 'this window is not a secure context, so the browser gives it no storage';
  if (!scope.caches) return 'this browser offers no Cache Storage here';
  return null;
}

export class ModelStore {
  private constructor(
    private readonly cacheStorage: CacheStorage,
    private readonly origin: string,
  ) {}

  /** The store of this scope, or null (with storeUnavailable saying why). */
  static open(scope: { origin: string; caches?: CacheStorage; isSecureContext: boolean } = self): ModelStore | null {
    return storeUnavailable(scope) ? null : new ModelStore(scope.caches!, scope.origin);
  }

  private url({ id, revision }: ModelKey): string {
    return `${this.origin}${PATH}${encodeURIComponent(id)}@${encodeURIComponent(revision)}`;
  }

  /** The stored file of this model and revision, or null. */
  async read(key: ModelKey): Promise<Uint8Array | null> {
    const cache = await this.cacheStorage.open(CACHE_NAME);
    const response = await cache.match(this.url(key));
    return response ? new Uint8Array(await response.arrayBuffer()) : null;
  }

  /** Keeps verified weights; rejects when the browser refuses (quota, storage off). */
  async write(key: ModelKey, weights: WeightSet, url: string): Promise<number> {
    const header = weights.header({ model: key.id, url });
    const bytes = header.byteLength + weights.payload.byteLength;
    const body = new Blob([header as Uint8Array<ArrayBuffer>, weights.payload as Uint8Array<ArrayBuffer>], {
      type: 'application/octet-stream',
    });
    const cache = await this.cacheStorage.open(CACHE_NAME);
    await cache.put(this.url(key), new Response(body, { headers: { [SIZE_HEADER]: String(bytes) } }));
    return bytes;
  }

  async remove(key: ModelKey): Promise<void> {
    const cache = await this.cacheStorage.open(CACHE_NAME);
    await cache.delete(this.url(key));
  }

  async list(): Promise<StoredModel[]> {
    const cache = await this.cacheStorage.open(CACHE_NAME);
    const stored: StoredModel[] = [];
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      const match = path.startsWith(PATH) ? /^([^@]+)@(.+)$/.exec(path.slice(PATH.length)) : null;
      const response = match ? await cache.match(request) : undefined;
      if (!match || !response) continue;
      stored.push({
        id: decodeURIComponent(match[1]),
        revision: decodeURIComponent(match[2]),
        bytes: Number(response.headers.get(SIZE_HEADER)) || 0,
      });
    }
    return stored;
  }

  /** Removes every stored model; resolves to the bytes freed. */
  async clear(): Promise<number> {
    const freed = (await this.list()).reduce((sum, m) => sum + m.bytes, 0);
    await this.cacheStorage.delete(CACHE_NAME);
    return freed;
  }
}
