// The harness's hosted-window mode (`?window=hosted&windowUrl=…&pluginId=…`): it plays what
// Figma does for a plugin whose sandbox navigates its window to an https page of its own
// (src/plugin/window-mode.ts, driven here by the same WindowGate the sandbox uses). Figma's
// part: the window keeps an origin of its own (the frame may run same-origin scripts), a
// message reaches the sandbox only with the right plugin id, and the sandbox hears the origin
// of the document that sent it. When the gate falls back, the built-in window is loaded the way
// Figma loads it (a data: document, null origin).
import type { Transport } from '../../src/common/protocol.ts';
import { WindowGate } from '../../src/plugin/window-mode.ts';

export interface HostedWindowHarness {
  gate: WindowGate;
  transport: Transport;
}

export function hostedWindowHarness(opts: {
  frame: HTMLIFrameElement;
  windowUrl: string;
  pluginId: string;
  answerMs?: number;
  /** Shows the built-in window (the harness's data: loader with the bundled HTML). */
  showBundled(): void;
  /** A message Figma or the sandbox refused, for the log and window.__host.rejections. */
  refused(reason: string): void;
}): HostedWindowHarness {
  const { frame } = opts;
  const gate = new WindowGate(
    { url: opts.windowUrl, pluginId: opts.pluginId, answerMs: opts.answerMs },
    {
      show(html) {
        if (html === BUNDLED) return opts.showBundled();
        frame.setAttribute('sandbox', 'allow-scripts allow-same-origin');
        frame.srcdoc = html;
      },
      bundledHtml: BUNDLED,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      onRefused: (reason) => opts.refused(`sandbox ignored ${reason}`),
    },
  );
  const transport: Transport = {
    post(message) {
      frame.contentWindow?.postMessage({ pluginMessage: message }, '*');
    },
    subscribe(handler) {
      const listener = (event: MessageEvent) => {
        const data = event.data as { pluginMessage?: unknown; pluginId?: unknown } | null;
        if (!data || typeof data !== 'object' || !('pluginMessage' in data)) return;
        // Figma routes a non-null-origin window's message by the plugin id it carries.
        if (gate.mode === 'hosted' && data.pluginId !== opts.pluginId)
          return opts.refused(`Figma dropped a message for plugin ${JSON.stringify(data.pluginId)}`);
        if (gate.accept(data.pluginMessage, event.origin)) handler(data.pluginMessage);
      };
      window.addEventListener('message', listener);
      return () => window.removeEventListener('message', listener);
    },
  };
  return { gate, transport };
}

/** Stands for __html__: the harness loads the real bundled window itself when it is shown. */
const BUNDLED = '<!-- the bundled window (dist/ui.html) -->';
