// The bundle started as a loss worker (bootstrap.ts LOSS_WORKER_NAME, by the engine worker's
// LossWorkerPool): it serves the embedded model's loss on the port the engine worker sends,
// one wasm thread, and never boots an engine host.
import { serveLossModel } from '../../engine/index.ts';
import type { LossWorkerSetup } from './loss-workers.ts';
import { loadModel, prepareCpuLoss } from './models.ts';

function isSetup(v: unknown): v is LossWorkerSetup {
  const m = v as Partial<LossWorkerSetup> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    m.type === 'loss-port' &&
    m.port instanceof MessagePort &&
    Array.isArray(m.batches) &&
    m.batches.every((b) => Number.isInteger(b) && b >= 1 && b <= 256)
  );
}

/** Where a loss worker's start went, ms since the worker was created (diagnostics, tests). */
export interface LossWorkerBoot {
  /** The bundle parsed and running (the data: bootstrap's round trip included). */
  scriptMs: number;
  /** The embedded model compiled (the page's first ORT session: the runtime's init). */
  modelMs?: number;
  /** The loss sessions of the expected chunk sizes created: serving from here. */
  readyMs?: number;
}

export function serveLossWorker(): void {
  const boot: LossWorkerBoot = { scriptMs: Math.round(performance.now()) };
  Object.assign(globalThis, { sketchifyRole: 'loss', sketchifyLossBoot: boot });
  self.onmessage = (event: MessageEvent) => {
    if (!isSetup(event.data)) return;
    self.onmessage = null;
    const { port, batches } = event.data;
    // Model and sessions first, so that "ready" (the handshake's answer, queued on the port
    // until then) means a call runs at once; a failure is an error event for the pool.
    (async () => {
      const model = await loadModel('embedded');
      boot.modelMs = Math.round(performance.now());
      for (const batch of new Set(batches)) await prepareCpuLoss('embedded', batch);
      boot.readyMs = Math.round(performance.now());
      serveLossModel(port, model);
    })().catch((error: unknown) =>
      setTimeout(() => {
        throw error;
      }),
    );
  };
}
