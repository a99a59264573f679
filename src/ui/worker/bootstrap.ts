// How the bundle starts as a worker (src/ui/engine/worker-host.ts; and, inside the engine worker,
// its loss workers: loss-workers.ts). The single-file iframe has no URL for the bundle, only a
// Blob: a tiny data: URL bootstrap receives it and importScripts its own blob URL (no eval).
// It keeps the Blob on `self.sketchifySource` so that the engine worker can start its own
// children the same way. Where data: workers are refused, the blob URL is the worker's script.

export const ENGINE_WORKER_NAME = 'sketchify-engine';
/** A worker of this name serves one loss model to the engine worker, never an engine. */
export const LOSS_WORKER_NAME = 'sketchify-loss';

const BOOTSTRAP = 'onmessage=function(e){onmessage=null;self.sketchifySource=e.data;importScripts(URL.createObjectURL(e.data))}';

/** Starts the bundle `source` as a classic worker; `viaData`: from the data: bootstrap. */
export function startBundleWorker(source: Blob, name: string, viaData: boolean): Worker {
  if (!viaData) return new Worker(URL.createObjectURL(source), { name });
  const worker = new Worker(`data:text/javascript,${encodeURIComponent(BOOTSTRAP)}`, { name });
  worker.postMessage(source);
  return worker;
}

/** The Blob this worker's bootstrap received (undefined when started from a blob URL). */
export function ownSource(): Blob | undefined {
  return (self as { sketchifySource?: Blob }).sketchifySource;
}
