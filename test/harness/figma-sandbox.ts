// host.html?sandbox=figma: instead of the harness's scripted sandbox, the plugin's real sandbox
// code (src/plugin/start-plugin.ts) runs in this page against the fake Figma
// (test/helpers/figma-fake.ts), wired to the UI iframe as Figma wires them. Tests place fixture
// images on the fake page, select nodes, edit vectors by hand and undo, through window.__figma.
import { startPlugin } from '../../src/plugin/start-plugin.ts';
import { FakeNode, FigmaFake, imageRect, installFigmaFake } from '../helpers/figma-fake.ts';

export interface FigmaSandboxApi {
  fake: FigmaFake;
  /** Puts a fixture image (test/harness/fixtures/NAME.png) on the page at its pixel size; returns its node id. */
  placeImage(fixture: string): Promise<string>;
  /** Selects these nodes, as the user would (selectionchange fires). */
  select(ids: string[]): Promise<void>;
  node(id: string): Promise<FakeNode>;
}

declare global {
  interface Window {
    __figma: FigmaSandboxApi;
  }
}

/** Starts the sandbox; `onRequest` hears every request the UI sends it (for the harness's record). */
export function startFigmaSandbox(frame: HTMLIFrameElement, onRequest: (type: string, payload: unknown) => void): FigmaSandboxApi {
  const { fake } = installFigmaFake();
  const ui = fake.uiTransport();
  ui.subscribe((message) => frame.contentWindow?.postMessage({ pluginMessage: message }, '*'));
  window.addEventListener('message', (event) => {
    if (event.source !== frame.contentWindow) return;
    const data = event.data as { pluginMessage?: unknown } | null;
    if (!data || typeof data !== 'object' || !('pluginMessage' in data)) return;
    const m = data.pluginMessage as { kind?: string; type?: string; payload?: unknown } | null;
    if (m?.kind === 'request' && typeof m.type === 'string') onRequest(m.type, m.payload);
    ui.post(data.pluginMessage);
  });
  startPlugin();
  const node = async (id: string) => {
    const n = await fake.getNodeByIdAsync(id);
    if (!n) throw new Error(`no node ${id} on the fake page`);
    return n;
  };
  const api: FigmaSandboxApi = {
    fake,
    async placeImage(fixture) {
      const response = await fetch(`/test/harness/fixtures/${fixture}.png`);
      if (!response.ok) throw new Error(`no fixture ${fixture}: HTTP ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      const bitmap = await createImageBitmap(new Blob([bytes]));
      const { width, height } = bitmap;
      bitmap.close();
      const hash = fake.addImage(bytes, width, height);
      const img = imageRect(fake, { width, height, paint: { imageHash: hash }, name: fixture });
      fake.commitUndo(); // placing the photo is the user's own step
      return img.id;
    },
    async select(ids) {
      fake.select(await Promise.all(ids.map(node)));
    },
    node,
  };
  window.__figma = api;
  return api;
}
