// The UI window's transport. Figma delivers sandbox messages as event.data.pluginMessage.
// The built-in window (null origin) posts {pluginMessage} to '*'. A hosted window (an https
// page of ours, src/plugin/window-mode.ts) posts {pluginMessage, pluginId} to Figma's origin
// only, and reads only messages its parent sent from that origin: another page framing or
// messaging it changes nothing (refused messages go to onRefused). The window is passed in so
// this module touches no globals (and tests can hand it a stand-in).

import type { Transport } from './rpc/endpoint.ts';

interface ArrivingMessage {
  data: unknown;
  origin?: string;
  source?: unknown;
}

export interface MessageWindow {
  parent: { postMessage(message: unknown, targetOrigin: string): void };
  addEventListener(type: 'message', listener: (event: ArrivingMessage) => void): void;
  removeEventListener(type: 'message', listener: (event: ArrivingMessage) => void): void;
}

/** The hosted page's first word, sent before its UI has loaded (src/ui/window-hello.ts). */
export const WINDOW_LOADING_SIGNAL = 'sketchify-window-loading';

/** Where Figma's editor runs: the only origin a hosted window talks to by default. */
export const FIGMA_ORIGIN = 'https://www.figma.com';

export interface HostedWindow {
  /** figma.pluginId, which Figma requires on every message from a non-null-origin window. */
  pluginId: string;
  /** The parent's origin (FIGMA_ORIGIN in Figma; the harness plays Figma elsewhere). */
  parentOrigin: string;
  onRefused?(reason: string): void;
}

const carriesPluginMessage = (data: unknown): data is { pluginMessage: unknown } =>
  typeof data === 'object' && data !== null && 'pluginMessage' in data;

export function iframeTransport(win: MessageWindow, hosted?: HostedWindow): Transport {
  return {
    post(message) {
      if (hosted) win.parent.postMessage({ pluginMessage: message, pluginId: hosted.pluginId }, hosted.parentOrigin);
      else win.parent.postMessage({ pluginMessage: message }, '*');
    },
    subscribe(handler) {
      const listener = (event: ArrivingMessage) => {
        const data = event.data;
        // Other traffic (devtools, extensions) carries no pluginMessage: not ours, ignore it.
        if (!carriesPluginMessage(data)) return;
        if (hosted && (event.source !== win.parent || event.origin !== hosted.parentOrigin)) {
          hosted.onRefused?.(
            `a message from ${JSON.stringify(event.origin)}${event.source !== win.parent ? ' (not the parent window)' : ''}`,
          );
          return;
        }
        handler(data.pluginMessage);
      };
      win.addEventListener('message', listener);
      return () => win.removeEventListener('message', listener);
    },
  };
}

/**
 * The hosted window's settings from its URL's fragment (window-mode.ts loaderHtml writes
 * `#pluginId=…`); `parentOrigin` there is for the host harness, which plays Figma on a local
 * origin. Null when the fragment names no plugin id.
 */
export function hostedWindowFromHash(hash: string): Omit<HostedWindow, 'onRefused'> | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const pluginId = params.get('pluginId');
  if (!pluginId || pluginId.length > 100) return null;
  const parentOrigin = params.get('parentOrigin') ?? FIGMA_ORIGIN;
  try {
    if (new URL(parentOrigin).origin !== parentOrigin) return null;
  } catch {
    return null;
  }
  return { pluginId, parentOrigin };
}
