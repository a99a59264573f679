// Main-thread handle on the engine worker. build.mjs bundles src/ui/worker/engine-worker.ts
// (with onnxruntime-web and its wasm) into a string; it runs as a worker from a blob
// URL, since the single-file iframe has no other URL to load it from. A classic worker: module
// workers from blob URLs are refused in an opaque-origin iframe like Figma's.
import workerSource from 'sketchify:engine-worker';
import type { FromWorker, ToWorker } from './worker/messages.ts';

export type WorkerListener = (message: FromWorker) => void;

export class EngineClient {
  private readonly worker: Worker;
  private readonly listeners = new Set<WorkerListener>();

  constructor() {
    const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
    this.worker = new Worker(url, { name: 'sketchify-engine' });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => {
      for (const listener of this.listeners) listener(event.data);
    };
    this.worker.onerror = (event) => {
      const message = event.message ? `${event.message} (${event.filename}:${event.lineno})` : 'the engine worker failed to start';
      for (const listener of this.listeners) listener({ type: 'error', runId: -1, error: { name: 'WorkerError', message } });
    };
  }

  send(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  listen(listener: WorkerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
