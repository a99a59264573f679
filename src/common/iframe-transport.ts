// The UI iframe's transport: Figma delivers sandbox messages as event.data.pluginMessage
// and expects parent.postMessage({pluginMessage}, '*') back. The window is passed in so
// this module touches no globals (and tests can hand it a stand-in).

import type { Transport } from './rpc/endpoint.ts';

export interface MessageWindow {
  parent: { postMessage(message: unknown, targetOrigin: string): void };
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export function iframeTransport(win: MessageWindow): Transport {
  return {
    post(message) {
      win.parent.postMessage({ pluginMessage: message }, '*');
    },
    subscribe(handler) {
      const listener = (event: { data: unknown }) => {
        const data = event.data;
        // Other traffic (devtools, extensions) carries no pluginMessage: not ours, ignore it.
        if (typeof data === 'object' && data !== null && 'pluginMessage' in data) handler((data as { pluginMessage: unknown }).pluginMessage);
      };
      win.addEventListener('message', listener);
      return () => win.removeEventListener('message', listener);
    },
  };
}
