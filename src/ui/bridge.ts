// The UI's side of the sandbox protocol: one endpoint over Figma's postMessage transport.
// In the built-in window it posts to '*' (a null-origin document cannot name Figma's origin);
// in the hosted window (dist/web, src/plugin/window-mode.ts) it posts to Figma's origin with
// the plugin id from the page's URL fragment and reads only its parent's messages.
import { hostedWindowFromHash, iframeTransport, type HostedWindow } from '../common/iframe-transport.ts';
import { createUiEndpoint, type SelectionState } from '../common/protocol.ts';
import { windowNote, windowMode } from './state.ts';

/** 'hosted' in the dist/web build (build.mjs), else the built-in window. */
declare const __SKETCHIFY_WINDOW__: string | undefined;
export const HOSTED_BUILD = typeof __SKETCHIFY_WINDOW__ === 'string' && __SKETCHIFY_WINDOW__ === 'hosted';

function hostedWindow(): HostedWindow | undefined {
  if (!HOSTED_BUILD) return undefined;
  const fromHash = hostedWindowFromHash(location.hash);
  if (!fromHash) {
    // Opened outside Figma: nothing to talk to. Say so instead of posting into the void.
    throw new Error('This page is the Sketchify plugin window: run the plugin in Figma to use it.');
  }
  return {
    ...fromHash,
    onRefused: (reason) => console.warn(`[sketchify] ignored ${reason}`),
  };
}

export const sandbox = createUiEndpoint(iframeTransport(window, hostedWindow()), { timeoutMs: 120_000 });

/** Connects, registers the selection handler and tells the sandbox the UI is listening. */
export function connectSandbox(onSelection: (s: SelectionState) => void): void {
  sandbox.on('selection', (s) => {
    onSelection(s);
    return {};
  });
  sandbox.connect();
  void sandbox
    .emit('ready', {})
    .then((reply) => {
      windowMode.value = reply.window?.mode ?? 'bundled';
      windowNote.value = reply.window?.note ?? null;
    })
    .catch((e: unknown) => console.warn(`[sketchify] sandbox did not answer 'ready': ${String(e)}`));
}
