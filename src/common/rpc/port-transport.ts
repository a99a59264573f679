// The transport of a message port: a MessagePort, a Worker, a worker's own scope, or Node's
// MessageChannel ports. Transfers what the sender names; reports undeserializable messages.

import type { Transport } from './endpoint.ts';

/** What a transport needs of a port (satisfied by all of the above). */
export interface MessagePortLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message' | 'messageerror', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message' | 'messageerror', listener: (event: MessageEvent) => void): void;
  /** MessagePorts deliver only after start(); a Worker has none. */
  start?(): void;
}

export function portTransport(port: MessagePortLike): Transport {
  return {
    post(message, transfer = []) {
      port.postMessage(message, transfer);
    },
    subscribe(handler, unreadable) {
      const onMessage = (event: MessageEvent) => handler(event.data);
      const onMessageError = () => unreadable?.();
      port.addEventListener('message', onMessage);
      port.addEventListener('messageerror', onMessageError);
      port.start?.();
      return () => {
        port.removeEventListener('message', onMessage);
        port.removeEventListener('messageerror', onMessageError);
      };
    },
  };
}
