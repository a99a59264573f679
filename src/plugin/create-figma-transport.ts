import type { Transport } from '../common/protocol.ts';

/**
 * The sandbox's end of the UI channel: figma.ui.postMessage out, figma.ui.onmessage in.
 * `accept` sees each arriving message with the origin Figma names for its window; a message it
 * refuses never reaches the endpoint (window-mode.ts: only the configured window may speak).
 */
export function createFigmaTransport(accept: (message: unknown, origin: string) => boolean = () => true): Transport {
  return {
    post(message) {
      figma.ui.postMessage(message);
    },
    subscribe(handler) {
      figma.ui.onmessage = (message: unknown, props?: OnMessageProperties) => {
        if (accept(message, props?.origin ?? '')) handler(message);
      };
      return () => {
        figma.ui.onmessage = undefined;
      };
    },
  };
}
