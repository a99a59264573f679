// The engine on the iframe's main thread, only for a WebGPU run when the worker has no WebGPU
// but the iframe does: the same bundle loaded once as a classic <script> from the blob URL
// (parsing it is a one-off cost, paid on first need), talking over a MessageChannel. There an
// iteration is GPU dispatch, not compute.
import { portTransport } from '../../common/rpc/port-transport.ts';
import type { Connection, Host, HostEvents } from './host.ts';
import { createEngineClientEndpoint } from './protocol.ts';

/** What the bundle exposes when it runs on a main thread (src/ui/worker/engine-worker.ts). */
export interface MainThreadEngine {
  connect(port: MessagePort): void;
}

export class MainHost implements Host {
  readonly name = 'main';
  private connection: Promise<Connection> | null = null;

  constructor(
    private readonly source: Blob,
    private readonly events: HostEvents,
  ) {}

  connect(): Promise<Connection> {
    this.connection ??= new Promise<Connection>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = URL.createObjectURL(this.source);
      script.onload = () => {
        const bundle = (globalThis as { sketchifyEngine?: MainThreadEngine }).sketchifyEngine;
        if (!bundle) return reject(new Error('the engine bundle did not load on the main thread'));
        const channel = new MessageChannel();
        const engine = createEngineClientEndpoint(portTransport(channel.port1));
        engine.on('booted', (booted) => resolve({ engine, booted }));
        this.events.attach(engine, 'main');
        engine.connect();
        bundle.connect(channel.port2);
      };
      script.onerror = () => reject(new Error('the engine bundle did not load on the main thread'));
      document.head.append(script);
    });
    return this.connection;
  }
}
