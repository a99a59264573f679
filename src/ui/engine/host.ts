// One place the engine runs, behind one interface: the engine worker (worker-host.ts: every
// CPU run, downloads, models) or the iframe's main thread (main-host.ts: a WebGPU run when the
// worker has no WebGPU but the iframe does). Both run the same bundle (build.mjs bundles
// src/ui/worker/engine-worker.ts into one string; the single-file iframe has no other URL, so
// it runs from a Blob) and speak protocol.ts over the rpc endpoint. Nothing starts until
// connect(); engine-client.ts decides which host runs what.
import type { Endpoint } from '../../common/rpc/endpoint.ts';
import type { Booted, EngineToUi, UiToEngine } from './protocol.ts';

export type HostName = 'worker' | 'main';
export type EngineEndpoint = Endpoint<EngineToUi, UiToEngine>;

/** The engine at one host, once it booted. */
export interface Connection {
  engine: EngineEndpoint;
  booted: Booted;
}

export interface Host {
  readonly name: HostName;
  /** Starts the engine there, once (later calls share the first start); resolves when it booted. */
  connect(): Promise<Connection>;
}

/** What a host tells its owner. */
export interface HostEvents {
  /** Registers the handlers of the engine's events (all but 'booted') on a new endpoint, before it connects. */
  attach(engine: EngineEndpoint, host: HostName): void;
  /** The engine there failed after it booted (an error no request caught, e.g. in the worker's own code). */
  failed(error: Error): void;
}
