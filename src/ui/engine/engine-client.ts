// The main thread's handle on the engine: one engine, two hosts (host.ts). The worker runs
// everything it can; the main thread takes a WebGPU run only when the worker has no WebGPU and
// the iframe has (chooseHost). Nothing starts before connect() (startApp calls it).
// A device lost on the main-thread host: the engine falls back to the CPU, but wasm compute on
// the main thread would freeze the UI, so the run is handed to the worker (see handOff).
import workerSource from 'sketchify:engine-worker';
import { isSoftwareAdapter } from '../backend.ts';
import type { ScopeFacts } from '../window-facts.ts';
import type { EngineEndpoint, Host, HostEvents, HostName } from './host.ts';
import { MainHost } from './main-host.ts';
import type { Booted, EngineToUi, RunRequest, UiToEngine, WireBackend, WireResult, WireSketch } from './protocol.ts';
import { WorkerHost } from './worker-host.ts';

/** What a run tells while it runs (its result is the reply). */
export type RunEvent =
  | { type: 'backend'; info: WireBackend }
  | { type: 'progress'; phase: 'init' | 'optimize'; sketch: WireSketch }
  /** The GPU device was lost at `iteration`: the run continues on the CPU. */
  | { type: 'deviceLost'; message: string; iteration: number };

/** What the engine tells outside runs; 'failed': the engine worker failed after booting. */
export type EngineNotice =
  | ({ type: 'downloadProgress' } & EngineToUi['downloadProgress']['event'])
  | ({ type: 'warm' } & EngineToUi['warm']['event'])
  | { type: 'failed'; error: Error };

/**
 * Test and bench hook: `window.sketchifyShards = 1` forces the CPU path's shard count (1 = the
 * engine worker alone) for runs and the warm-up; the worker validates it like the run fields.
 */
function forcedShards(): number | undefined {
  return (globalThis as { sketchifyShards?: number }).sketchifyShards;
}

interface Route {
  host: HostName;
  onEvent(event: RunEvent): void;
  /** Main-thread runs keep the request (pixels copied) to hand it to the worker. */
  request?: RunRequest;
  /** Set once a device loss on the main thread sent the run to the worker. */
  handoff?: { partial: WireResult | null; worker: Promise<WireResult> };
}

export class EngineClient {
  private hosts: Record<HostName, Host> | null = null;
  private readonly routes = new Map<number, Route>();
  private readonly listeners = new Set<(notice: EngineNotice) => void>();
  /** CLIP models whose weights the main-thread engine was given. */
  private readonly mainModels = new Set<string>(['embedded']);

  /** Starts the engine worker (the main-thread host waits for a run that needs it); resolves when it booted. */
  connect(): Promise<Booted> {
    if (!this.hosts) {
      const source = new Blob([workerSource], { type: 'text/javascript' });
      const events: HostEvents = {
        attach: (engine, host) => this.attach(engine, host),
        failed: (error) => this.tell({ type: 'failed', error }),
      };
      this.hosts = { worker: new WorkerHost(source, events), main: new MainHost(source, events) };
    }
    return this.hosts.worker.connect().then((c) => c.booted);
  }

  /** Hears what the engine tells outside runs; returns a function that stops listening. */
  listen(listener: (notice: EngineNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * One run (its pixels are transferred); resolves with its result, also when cancelled, and
   * rejects with the engine's error. `onEvent` hears its backend and progress.
   */
  async run(request: RunRequest, onEvent: (event: RunEvent) => void): Promise<WireResult> {
    let req = request;
    const forced = forcedShards();
    if (forced !== undefined && req.shards === undefined) req = { ...req, shards: forced };
    const route: Route = { host: 'worker', onEvent };
    this.routes.set(req.runId, route);
    try {
      const where = await this.chooseHost(req);
      if (where.cpuReason) req = { ...req, backend: 'cpu', cpuReason: where.cpuReason };
      route.host = where.host === 'main' && (await this.mainHasModel(req.options.model)) ? 'main' : 'worker';
      if (route.host === 'main') route.request = { ...req, pixels: req.pixels.slice() };
      return await this.runOn(route, req);
    } finally {
      this.routes.delete(req.runId);
    }
  }

  /** Stops a run where it runs; its reply is then the best strokes so far. */
  cancel(runId: number): void {
    const host = this.routes.get(runId)?.host ?? 'worker';
    void this.endpoint(host)
      .then((engine) => engine.emit('cancel', { runId }))
      .catch(warn('cancel'));
  }

  /** Makes a CLIP model ready in the worker (its kept copy, else a download); resolves with how. */
  async download(model: string): Promise<UiToEngine['download']['response']> {
    return (await this.endpoint('worker')).emit('download', { model });
  }

  /** The CLIP models this window keeps between sessions, or why it keeps none. */
  async storedModels(): Promise<UiToEngine['storedModels']['response']> {
    return (await this.endpoint('worker')).emit('storedModels', {});
  }

  /** Removes every kept model; resolves with what is left and the bytes freed. */
  async removeStoredModels(): Promise<UiToEngine['removeStoredModels']['response']> {
    return (await this.endpoint('worker')).emit('removeStoredModels', {});
  }

  cancelDownload(model: string): void {
    void this.endpoint('worker')
      .then((engine) => engine.emit('cancelDownload', { model }))
      .catch(warn('cancelDownload'));
  }

  /** A weights file the user picked: its bytes move to the worker (transferred, not copied). */
  async loadWeights(model: string, bytes: Uint8Array, name: string): Promise<string | undefined> {
    return (await (await this.endpoint('worker')).emit('loadWeights', { model, bytes, name }, { transfer: [bytes.buffer] })).repoCommit;
  }

  /** Prepares a model and its CPU loss sessions before any run, at low priority ('warm' notices follow). */
  warm(model: string, batches: number[]): void {
    // The shard hook (see forcedShards) also tells the warm-up whether to start loss workers.
    void this.endpoint('worker')
      .then((engine) => engine.emit('warm', { model, batches, shards: forcedShards() }))
      .catch(warn('warm'));
  }

  /** What the engine worker's scope has (About this window): its own probes, run there. */
  async workerFacts(): Promise<ScopeFacts> {
    return (await this.endpoint('worker')).emit('facts', {});
  }

  private async endpoint(host: HostName): Promise<EngineEndpoint> {
    if (!this.hosts) throw new Error('the engine is not connected: call connect() first');
    return (await this.hosts[host].connect()).engine;
  }

  private tell(notice: EngineNotice): void {
    for (const listener of this.listeners) listener(notice);
  }

  /** Routes a host's events: a run's to its route (if it runs there), the rest to the listeners. */
  private attach(engine: EngineEndpoint, host: HostName): void {
    const toRun = (runId: number, event: RunEvent) => {
      const route = this.routes.get(runId);
      // A run handed off from the main thread: what that host still says no longer counts.
      if (route?.host === host) route.onEvent(event);
    };
    engine.on('backend', ({ runId, info }) => toRun(runId, { type: 'backend', info }));
    engine.on('progress', ({ runId, phase, sketch }) => toRun(runId, { type: 'progress', phase, sketch }));
    engine.on('deviceLost', ({ runId, message, iteration }) => {
      if (host === 'main') this.handOff(runId, message, iteration);
      else toRun(runId, { type: 'deviceLost', message, iteration });
    });
    engine.on('downloadProgress', (p) => this.tell({ type: 'downloadProgress', ...p }));
    engine.on('warm', (p) => this.tell({ type: 'warm', ...p }));
  }

  /** The run on its route's host; after a handoff, the worker's run with the better result. */
  private async runOn(route: Route, req: RunRequest): Promise<WireResult> {
    const host = route.host;
    try {
      const result = await (await this.endpoint(host)).emit('run', req, { transfer: [req.pixels.buffer] });
      if (!route.handoff) return result;
      route.handoff.partial = result;
      return await route.handoff.worker;
    } catch (error) {
      if (route.handoff) return await route.handoff.worker;
      // A CLIP compile that failed on the main thread is forgotten there: ask for weights again.
      if (host === 'main' && req.options.model !== 'embedded') this.mainModels.delete(req.options.model);
      throw error;
    }
  }

  /**
   * A CLIP model lives in the worker (downloaded or loaded there): the main-thread engine gets
   * a copy of its verified weights once and compiles it (src/ui/worker/models.ts). False when
   * the worker has none (not loaded yet: the worker's run then says so).
   */
  private async mainHasModel(id: string): Promise<boolean> {
    if (this.mainModels.has(id)) return true;
    const { weights } = await (await this.endpoint('worker')).emit('exportWeights', { model: id });
    if (!weights) return false;
    await (await this.endpoint('main')).emit('adoptWeights', { model: id, weights }, { transfer: [weights.payload.buffer] });
    this.mainModels.add(id);
    return true;
  }

  /**
   * The worker runs everything it can. The main thread takes a run only when the worker has no
   * WebGPU, the iframe has, and the run wants it: the user forced the GPU, or Auto found a
   * hardware adapter (Auto never picks a software one: the CPU path is faster).
   */
  private async chooseHost(req: RunRequest): Promise<{ host: HostName; cpuReason?: string }> {
    if (!this.hosts) throw new Error('the engine is not connected: call connect() first');
    const { booted } = await this.hosts.worker.connect();
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    if (req.backend === 'cpu' || req.webgpuUnavailable || booted.webgpu || !gpu) return { host: 'worker' };
    if (req.backend === 'webgpu') return { host: 'main' };
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
    if (!adapter) return { host: 'worker', cpuReason: 'WebGPU found no usable graphics adapter' };
    if (isSoftwareAdapter(adapter))
      return { host: 'worker', cpuReason: 'the only WebGPU adapter is a software renderer, which is slower than the CPU path' };
    return { host: 'main' };
  }

  /**
   * Device lost on the main-thread host. The engine already continues on the CPU there, but a
   * wasm iteration on the main thread is a long task (bench/ui.ts), so the run goes to the
   * worker instead: the main run is stopped (its best strokes kept) and the worker runs the
   * same request on the CPU; the better of the two results is the run's result (losses of
   * runs with the same image, strokes and seed share one scale). The engine cannot resume from
   * given strokes, so the worker starts from its own initialization.
   */
  private handOff(runId: number, message: string, iteration: number): void {
    const route = this.routes.get(runId);
    if (!route || route.host !== 'main' || !route.request) return;
    const req: RunRequest = {
      ...route.request,
      backend: 'cpu',
      cpuReason: `the GPU device was lost at iteration ${iteration}, so the run continues on the CPU`,
    };
    route.request = undefined;
    route.host = 'worker';
    void this.endpoint('main')
      .then((engine) => engine.emit('cancel', { runId }))
      .catch(warn('cancel'));
    route.onEvent({ type: 'deviceLost', message, iteration });
    const worker = this.endpoint('worker')
      .then((engine) => engine.emit('run', req, { transfer: [req.pixels.buffer] }))
      .then((result) => (route.handoff?.partial ? better(result, route.handoff.partial) : result));
    worker.catch(() => undefined); // awaited once the main thread's run settles (runOn)
    route.handoff = { partial: null, worker };
  }
}

function better(a: WireResult, b: WireResult): WireResult {
  return b.bestLoss < a.bestLoss ? { ...b, cancelled: a.cancelled } : a;
}

const warn = (what: string) => (error: unknown) => console.warn(`Sketchify: the engine did not take '${what}' (${String(error)})`);
