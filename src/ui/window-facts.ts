// What a scope (the plugin window, or the engine worker) really has, found by trying rather
// than assumed: Figma's plugin window is undocumented (a data: document per public reports, a
// srcdoc one in our harness), so "About this window" shows these facts for bug reports. Runs
// the same in a window and in a worker; every probe catches its own failure.

export interface GpuFacts {
  /** navigator.gpu exists here. */
  api: boolean;
  /** An adapter was granted (null when no API). */
  adapter: boolean | null;
  vendor?: string;
  architecture?: string;
  /** A fallback (software) adapter, where the browser says. */
  fallback?: boolean;
  shaderF16?: boolean;
  /** Why there is no adapter, when there is none. */
  problem?: string;
}

export interface StorageFacts {
  works: boolean;
  /** What happened: 'wrote and read back', or the error. */
  detail: string;
}

export interface ScopeFacts {
  /** location.protocol, e.g. 'about:', 'data:', 'blob:', 'https:'. */
  scheme: string;
  /** self.origin ('null' for an opaque origin). */
  origin: string;
  secureContext: boolean;
  crossOriginIsolated: boolean;
  gpu: GpuFacts;
  /** navigator.hardwareConcurrency (null when not exposed). */
  cores: number | null;
  /** navigator.deviceMemory in GB (Chromium only, rounded; null elsewhere or when hidden). */
  deviceMemoryGb: number | null;
  indexedDb: StorageFacts;
  cacheStorage: StorageFacts;
}

const PROBE_NAME = 'sketchify-probe';
const PROBE_TIMEOUT_MS = 5_000;

const message = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not answer in ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS),
    ),
  ]);
}

async function probeGpu(): Promise<GpuFacts> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { api: false, adapter: null };
  try {
    const adapter = await withTimeout(gpu.requestAdapter(), 'requestAdapter');
    if (!adapter) return { api: true, adapter: false, problem: 'requestAdapter() returned no adapter' };
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    const legacyFallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
    return {
      api: true,
      adapter: true,
      vendor: info?.vendor || undefined,
      architecture: info?.architecture || undefined,
      fallback: info?.isFallbackAdapter ?? legacyFallback,
      shaderF16: adapter.features.has('shader-f16'),
    };
  } catch (error) {
    return { api: true, adapter: false, problem: message(error) };
  }
}

/** Opens a database, writes and reads a record, then deletes the database. */
async function probeIndexedDb(): Promise<StorageFacts> {
  const request = <T>(r: IDBRequest<T>): Promise<T> =>
    new Promise((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
  try {
    if (typeof indexedDB === 'undefined') return { works: false, detail: 'indexedDB is not defined here' };
    const db = await withTimeout(
      new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(PROBE_NAME, 1);
        open.onupgradeneeded = () => open.result.createObjectStore('probe');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
        open.onblocked = () => reject(new Error('open was blocked'));
      }),
      'indexedDB.open',
    );
    try {
      await request(db.transaction('probe', 'readwrite').objectStore('probe').put(42, 'answer'));
      const back = await request(db.transaction('probe').objectStore('probe').get('answer'));
      if (back !== 42) return { works: false, detail: `read back ${String(back)} instead of 42` };
    } finally {
      db.close();
      indexedDB.deleteDatabase(PROBE_NAME);
    }
    return { works: true, detail: 'wrote and read back' };
  } catch (error) {
    return { works: false, detail: message(error) };
  }
}

/** Opens a cache, stores and matches a response, then deletes the cache. */
async function probeCacheStorage(): Promise<StorageFacts> {
  try {
    // Even reading `caches` throws in a sandboxed frame or a data: worker (Chromium).
    if (typeof caches === 'undefined') return { works: false, detail: 'caches is not defined here (no secure context)' };
    const cache = await withTimeout(caches.open(PROBE_NAME), 'caches.open');
    const key = 'https://sketchify.invalid/probe';
    await cache.put(key, new Response('42'));
    const back = await (await cache.match(key))?.text();
    await caches.delete(PROBE_NAME);
    return back === '42'
      ? { works: true, detail: 'wrote and read back' }
      : { works: false, detail: `read back ${String(back)} instead of 42` };
  } catch (error) {
    return { works: false, detail: message(error) };
  }
}

export async function gatherScopeFacts(): Promise<ScopeFacts> {
  const [gpu, indexedDb, cacheStorage] = await Promise.all([probeGpu(), probeIndexedDb(), probeCacheStorage()]);
  const memory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  return {
    scheme: self.location.protocol,
    origin: self.origin,
    secureContext: self.isSecureContext,
    crossOriginIsolated: self.crossOriginIsolated === true,
    gpu,
    cores: navigator.hardwareConcurrency || null,
    deviceMemoryGb: typeof memory === 'number' ? memory : null,
    indexedDb,
    cacheStorage,
  };
}
