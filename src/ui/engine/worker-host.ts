// The engine worker. Started from a tiny data: URL bootstrap that importScripts its own blob URL
// of the bundle (no eval): measured in the harness, a data: worker of the opaque-origin iframe
// is a secure context (navigator.gpu, crypto.subtle) while a blob: worker is not. A host that
// refuses data: workers (CSP) gets the blob worker. Classic workers: module workers from blob
// URLs are refused in an opaque-origin iframe. The engine worker starts its loss workers
// (worker/loss-workers.ts) the same way (worker/bootstrap.ts).
import { portTransport } from '../../common/rpc/port-transport.ts';
import { ENGINE_WORKER_NAME, startBundleWorker } from '../worker/bootstrap.ts';
import type { Connection, Host, HostEvents } from './host.ts';
import { createEngineClientEndpoint } from './protocol.ts';

const BOOT_TIMEOUT_MS = 60_000;

export class WorkerHost implements Host {
  readonly name = 'worker';
  private connection: Promise<Connection> | null = null;

  constructor(
    private readonly source: Blob,
    private readonly events: HostEvents,
  ) {}

  connect(): Promise<Connection> {
    // A page with an origin of its own (the hosted window) starts the blob worker first: it
    // shares the page's origin, so it is a secure context with the page's Cache Storage, where
    // a data: worker would have an opaque origin and no storage.
    const viaData = self.origin === 'null';
    this.connection ??= this.start(viaData).catch(() => this.start(!viaData));
    return this.connection;
  }

  private start(viaData: boolean): Promise<Connection> {
    return new Promise((resolve, reject) => {
      let worker: Worker;
      try {
        worker = startBundleWorker(this.source, ENGINE_WORKER_NAME, viaData);
      } catch (error) {
        return reject(error as Error);
      }
      let booted = false;
      const engine = createEngineClientEndpoint(portTransport(worker));
      engine.on('booted', (info) => {
        if (booted) return;
        booted = true;
        clearTimeout(timer);
        resolve({ engine, booted: info });
      });
      this.events.attach(engine, 'worker');
      const detach = engine.connect();
      const stop = (error: Error) => {
        clearTimeout(timer);
        worker.terminate();
        detach();
        reject(error);
      };
      const timer = setTimeout(() => stop(new Error('the engine worker did not start')), BOOT_TIMEOUT_MS);
      worker.onerror = (event) => {
        if (!booted && viaData) {
          // Refused (e.g. a CSP without data:) or failed before booting: the blob worker next.
          event.preventDefault();
          return stop(new Error(event.message || 'the data: worker was refused'));
        }
        const message = event.message ? `${event.message} (${event.filename}:${event.lineno})` : 'the engine worker failed to start';
        this.events.failed(Object.assign(new Error(message), { name: 'WorkerError' }));
      };
    });
  }
}
