// Main-thread handle on the engine. build.mjs bundles src/ui/worker/engine-worker.ts (with
// onnxruntime-web and its wasm) into one string; the single-file iframe has no other URL, so
// it runs from a Blob. One engine, two hosts:
// - the worker (every CPU run, downloads, models). Started from a tiny data: URL bootstrap that
//   importScripts its own blob URL of the bundle (no eval): measured in the harness, a data:
//   worker of the opaque-origin iframe is a secure context (navigator.gpu, crypto.subtle) while
//   a blob: worker is not. A host that refuses data: workers (CSP) gets the blob worker. Classic
//   workers: module workers from blob URLs are refused in an opaque-origin iframe. The engine
//   worker starts its loss workers (worker/loss-workers.ts) the same way (worker/bootstrap.ts).
// - the iframe's main thread, only for a WebGPU run when the worker has no WebGPU but the
//   iframe does: the same bundle loaded once as a classic <script> from the blob URL, talking
//   over a MessageChannel. There an iteration is GPU dispatch, not compute.
// A device lost on the main-thread host: the engine falls back to the CPU, but wasm compute on
// the main thread would freeze the UI, so the run is handed to the worker (see handOff).
import workerSource from 'sketchify:engine-worker';
import { isSoftwareAdapter } from '../backend.ts';
import { ENGINE_WORKER_NAME, startBundleWorker } from '../worker/bootstrap.ts';
import type { FromWorker, RunRequest, ToWorker, WireResult } from './protocol.ts';
import type { ScopeFacts } from '../window-facts.ts';

export type WorkerListener = (message: FromWorker) => void;
type Booted = Extract<FromWorker, { type: 'booted' }>;
type HostName = 'worker' | 'main';

const BOOT_TIMEOUT_MS = 60_000;

/**
 * Test and bench hook: `window.sketchifyShards = 1` forces the CPU path's shard count (1 = the
 * engine worker alone) for runs and the warm-up; the worker validates it like the run fields.
 */
function forcedShards(): number | undefined {
  return (globalThis as { sketchifyShards?: number }).sketchifyShards;
}

interface Route {
  host: HostName;
  /** Main-thread runs keep the request (pixels copied) to hand it to the worker. */
  request?: RunRequest;
  /** Set once a device loss on the main thread sent the run to the worker. */
  handoff?: { partial: WireResult | null; iteration: number; message: string };
}

export class EngineClient {
  private readonly source = new Blob([workerSource], { type: 'text/javascript' });
  private readonly listeners = new Set<WorkerListener>();
  private readonly routes = new Map<number, Route>();
  /** The worker once it has booted (sends wait for it, so a refused bootstrap loses nothing). */
  private readonly worker: Promise<{ worker: Worker; booted: Booted }>;
  private main: Promise<MessagePort> | null = null;
  /** CLIP models whose weights the main-thread engine was given. */
  private readonly mainModels = new Set<string>(['embedded']);
  private readonly weightReplies = new Map<string, (m: Extract<FromWorker, { type: 'weights' }>) => void>();
  private readonly factReplies: ((facts: ScopeFacts) => void)[] = [];

  constructor() {
    this.worker = this.startWorker(true).catch(() => this.startWorker(false));
  }

  /** Where this session's engine worker runs and what it has (tests, bench, diagnostics). */
  workerInfo(): Promise<Booted> {
    return this.worker.then((w) => w.booted);
  }

  /** What the engine worker's scope has (About this window): its own probes, run there. */
  workerFacts(): Promise<ScopeFacts> {
    const reply = new Promise<ScopeFacts>((resolve) => this.factReplies.push(resolve));
    void this.post('worker', { type: 'facts' });
    return reply;
  }

  private startWorker(viaData: boolean): Promise<{ worker: Worker; booted: Booted }> {
    return new Promise((resolve, reject) => {
      let worker: Worker;
      let booted: Booted | null = null;
      try {
        worker = startBundleWorker(this.source, ENGINE_WORKER_NAME, viaData);
      } catch (error) {
        return reject(error as Error);
      }
      const timer = setTimeout(() => (worker.terminate(), reject(new Error('the engine worker did not start'))), BOOT_TIMEOUT_MS);
      worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const m = event.data;
        if (m.type === 'booted' && !booted) {
          booted = m;
          clearTimeout(timer);
          resolve({ worker, booted: m });
        }
        this.fromHost(m, 'worker');
      };
      worker.onerror = (event) => {
        if (!booted && viaData) {
          // Refused (e.g. a CSP without data:) or failed before booting: the blob worker next.
          clearTimeout(timer);
          event.preventDefault();
          worker.terminate();
          return reject(new Error(event.message || 'the data: worker was refused'));
        }
        const message = event.message ? `${event.message} (${event.filename}:${event.lineno})` : 'the engine worker failed to start';
        this.emit({ type: 'error', runId: -1, error: { name: 'WorkerError', message } });
      };
    });
  }

  /** The main-thread host, loaded on first need (parsing the bundle is a one-off cost). */
  private mainHost(): Promise<MessagePort> {
    this.main ??= new Promise<MessagePort>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = URL.createObjectURL(this.source);
      script.onload = () => {
        const engine = (globalThis as { sketchifyEngine?: { connect(port: MessagePort): void } }).sketchifyEngine;
        if (!engine) return reject(new Error('the engine bundle did not load on the main thread'));
        const channel = new MessageChannel();
        channel.port1.onmessage = (event: MessageEvent<FromWorker>) => this.fromHost(event.data, 'main');
        engine.connect(channel.port2);
        resolve(channel.port1);
      };
      script.onerror = () => reject(new Error('the engine bundle did not load on the main thread'));
      document.head.append(script);
    });
    return this.main;
  }

  send(message: ToWorker, transfer: Transferable[] = []): void {
    if (message.type === 'run') return void this.run(message, transfer);
    // The shard hook (see forcedShards) also tells the warm-up whether to start loss workers.
    const forced = forcedShards();
    if (message.type === 'warm' && forced !== undefined && message.shards === undefined) message = { ...message, shards: forced };
    if (message.type === 'cancel') {
      const host = this.routes.get(message.runId)?.host ?? 'worker';
      return void this.post(host, message);
    }
    this.post('worker', message, transfer);
  }

  listen(listener: WorkerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(message: FromWorker): void {
    for (const listener of this.listeners) listener(message);
  }

  private async post(host: HostName, message: ToWorker, transfer: Transferable[] = []): Promise<void> {
    if (host === 'main') (await this.mainHost()).postMessage(message, transfer);
    else (await this.worker).worker.postMessage(message, transfer);
  }

  private async run(req: RunRequest, transfer: Transferable[]): Promise<void> {
    const forced = forcedShards();
    if (forced !== undefined && req.shards === undefined) req = { ...req, shards: forced };
    const route: Route = { host: 'worker' };
    this.routes.set(req.runId, route);
    try {
      const where = await this.chooseHost(req);
      if (where.cpuReason) Object.assign(req, { backend: 'cpu', cpuReason: where.cpuReason });
      route.host = where.host === 'main' && (await this.mainHasModel(req.options.model)) ? 'main' : 'worker';
      if (route.host === 'main') route.request = { ...req, pixels: req.pixels.slice() };
      await this.post(route.host, req, transfer);
    } catch (error) {
      this.routes.delete(req.runId);
      this.emit({ type: 'error', runId: req.runId, error: { name: (error as Error).name, message: (error as Error).message } });
    }
  }

  /**
   * A CLIP model lives in the worker (downloaded or loaded there): the main-thread engine gets
   * a copy of its verified weights once and compiles it (src/ui/worker/models.ts). False when
   * the worker has none (not loaded yet: the worker's run then says so).
   */
  private async mainHasModel(id: string): Promise<boolean> {
    if (this.mainModels.has(id)) return true;
    const reply = new Promise<Extract<FromWorker, { type: 'weights' }>>((resolve) => this.weightReplies.set(id, resolve));
    await this.post('worker', { type: 'export-weights', model: id });
    const { weights } = await reply;
    if (!weights) return false;
    await this.post('main', { type: 'adopt-weights', model: id, weights }, [weights.payload.buffer]);
    this.mainModels.add(id);
    return true;
  }

  /**
   * The worker runs everything it can. The main thread takes a run only when the worker has no
   * WebGPU, the iframe has, and the run wants it: the user forced the GPU, or Auto found a
   * hardware adapter (Auto never picks a software one: the CPU path is faster).
   */
  private async chooseHost(req: RunRequest): Promise<{ host: HostName; cpuReason?: string }> {
    const { booted } = await this.worker;
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    if (req.backend === 'cpu' || req.webgpuUnavailable || booted.webgpu || !gpu) return { host: 'worker' };
    if (req.backend === 'webgpu') return { host: 'main' };
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
    if (!adapter) return { host: 'worker', cpuReason: 'WebGPU found no usable graphics adapter' };
    if (isSoftwareAdapter(adapter)) return { host: 'worker', cpuReason: 'the only WebGPU adapter is a software renderer, which is slower than the CPU path' };
    return { host: 'main' };
  }

  private fromHost(m: FromWorker, host: HostName): void {
    if (m.type === 'weights') {
      this.weightReplies.get(m.model)?.(m);
      this.weightReplies.delete(m.model);
      return;
    }
    if (m.type === 'facts') return void this.factReplies.shift()?.(m.facts);
    const runId = 'runId' in m ? m.runId : undefined;
    const route = runId !== undefined ? this.routes.get(runId) : undefined;
    if (route && runId !== undefined) {
      if (route.host !== host) {
        // The main-thread run that was handed off: only its final (best so far) result counts.
        if (route.handoff && m.type === 'result') route.handoff.partial = m.result;
        return;
      }
      if (host === 'main' && m.type === 'device-lost') return this.handOff(runId, route, m);
      if (m.type === 'result' && route.handoff?.partial) return this.finish({ ...m, result: better(m.result, route.handoff.partial) });
      // A CLIP compile that failed on the main thread is forgotten there: ask for weights again.
      if (host === 'main' && m.type === 'error' && route.request && route.request.options.model !== 'embedded') this.mainModels.delete(route.request.options.model);
      if (m.type === 'result' || m.type === 'error') this.routes.delete(runId);
    }
    this.emit(m);
  }

  private finish(m: Extract<FromWorker, { type: 'result' }>): void {
    this.routes.delete(m.runId);
    this.emit(m);
  }

  /**
   * Device lost on the main-thread host. The engine already continues on the CPU there, but a
   * wasm iteration on the main thread is a long task (bench/ui.ts), so the run goes to the
   * worker instead: the main run is stopped (its best strokes kept) and the worker runs the
   * same request on the CPU; the better of the two results is the run's result (losses of
   * runs with the same image, strokes and seed share one scale). The engine cannot resume from
   * given strokes, so the worker starts from its own initialization.
   */
  private handOff(runId: number, route: Route, m: Extract<FromWorker, { type: 'device-lost' }>): void {
    route.handoff = { partial: null, iteration: m.iteration, message: m.message };
    route.host = 'worker';
    void this.post('main', { type: 'cancel', runId });
    this.emit(m);
    const req = route.request!;
    route.request = undefined;
    const cpuReason = `the GPU device was lost at iteration ${m.iteration}, so the run continues on the CPU`;
    void this.post('worker', { ...req, backend: 'cpu', cpuReason }, [req.pixels.buffer]);
  }
}

function better(a: WireResult, b: WireResult): WireResult {
  return b.bestLoss < a.bestLoss ? { ...b, cancelled: a.cancelled } : a;
}
