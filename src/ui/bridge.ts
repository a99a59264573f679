// The UI's side of the sandbox protocol: one endpoint over Figma's postMessage transport.
import { iframeTransport } from '../common/iframe-transport.ts';
import { createUiEndpoint, type SelectionState } from '../common/protocol.ts';

export const sandbox = createUiEndpoint(iframeTransport(window), { timeoutMs: 120_000 });

/** Connects, registers the selection handler and tells the sandbox the UI is listening. */
export function connectSandbox(onSelection: (s: SelectionState) => void): void {
  sandbox.on('selection', (s) => {
    onSelection(s);
    return {};
  });
  sandbox.connect();
  void sandbox.emit('ready', {}).catch((e: unknown) => console.warn(`[sketchify] sandbox did not answer 'ready': ${String(e)}`));
}
