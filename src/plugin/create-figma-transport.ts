import type { Transport } from '../common/protocol.ts';

/** The sandbox's end of the UI channel: figma.ui.postMessage out, figma.ui.onmessage in. */
export function createFigmaTransport(): Transport {
  return {
    post(message) {
      figma.ui.postMessage(message);
    },
    subscribe(handler) {
      figma.ui.onmessage = (message: unknown) => handler(message);
      return () => {
        figma.ui.onmessage = undefined;
      };
    },
  };
}
