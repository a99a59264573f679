// Wires the sandbox: shows the UI, answers its messages, and keeps it told about the
// selection. Returns a function that detaches everything (used by tests and on close).

import { createPluginEndpoint, PLUGIN_TO_UI, type SelectionState } from '../common/protocol.ts';
import { createFigmaTransport } from './create-figma-transport.ts';
import { insertSketchesAsync } from './insert-sketches-async.ts';
import { notifyShort } from './notify-short.ts';
import { readSelectionAsync } from './read-selection-async.ts';
import { refineSketchAsync } from './refine-sketch-async.ts';
import { watchSelectedSketch } from './watch-selected-sketch.ts';
import { WindowGate, type WindowSetup } from './window-mode.ts';

export const UI_SIZE = { width: 360, height: 600 };

/** The hosted window's URL, set by build.mjs from SKETCHIFY_WINDOW_URL ('' = bundled window only). */
declare const __SKETCHIFY_WINDOW_URL__: string | undefined;
const BUILT_WINDOW_URL = typeof __SKETCHIFY_WINDOW_URL__ === 'string' ? __SKETCHIFY_WINDOW_URL__ : '';

export function startPlugin(window: Partial<WindowSetup> = {}): () => void {
  const gate = new WindowGate(
    {
      url: window.url ?? BUILT_WINDOW_URL,
      pluginId: window.pluginId ?? figma.pluginId ?? '',
      answerMs: window.answerMs,
      readyMs: window.readyMs,
    },
    {
      show: (html) => figma.showUI(html, { ...UI_SIZE, themeColors: true }),
      bundledHtml: __html__,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      onRefused: (reason) => console.warn(`[sketchify] ignored ${reason}`),
    },
  );
  gate.open();
  const endpoint = createPluginEndpoint(
    createFigmaTransport((message, origin) => gate.accept(message, origin)),
    {
      onReject: (e) => console.warn(`[sketchify] rejected a message from the UI: ${e.message}`),
    },
  );
  let uiReady = false;
  let queueIndex = 0;
  let generation = 0;

  /** Sends the current selection; a newer call supersedes an older one still reading bytes. */
  async function publishAsync(): Promise<void> {
    if (!uiReady) return;
    const mine = ++generation;
    let state: SelectionState;
    try {
      // Check here what the endpoint would refuse to send, so the UI hears why instead of nothing.
      state = PLUGIN_TO_UI.selection.request(await readSelectionAsync(figma.currentPage.selection, queueIndex), 'selection');
    } catch (e) {
      const message = `Sketchify could not read this selection: ${(e as Error).message}`.slice(0, 300);
      state = { status: 'problem', code: 'unavailable', message, queue: { index: 0, items: [] } };
    }
    if (mine !== generation) return;
    await endpoint.emit('selection', state).catch((e: Error) => console.warn(`[sketchify] selection not delivered: ${e.message}`));
  }

  endpoint.on('ready', () => {
    uiReady = true;
    gate.uiReady();
    void publishAsync();
    return { command: figma.command ?? '', window: gate.describe() };
  });
  endpoint.on('pickSource', ({ index }) => {
    queueIndex = index;
    void publishAsync();
  });
  const insert = async <R>(run: () => Promise<R>) => {
    try {
      return await run();
    } catch (e) {
      notifyShort((e as Error).message, true);
      throw e;
    }
  };
  endpoint.on('insertSketch', (req) => insert(() => insertSketchesAsync(req, [req.sketch])));
  endpoint.on('insertSeries', (req) => insert(() => insertSketchesAsync(req, req.sketches)));
  endpoint.on('refineSketch', async (req) => {
    const result = await insert(() => refineSketchAsync(req));
    void publishAsync(); // the group is still selected: the UI hears its new state
    return result;
  });
  endpoint.on('notify', ({ message, error }) => notifyShort(message, error));
  endpoint.on('resize', ({ width, height }) => figma.ui.resize(width, height));
  endpoint.on('close', () => figma.closePlugin());

  const onSelection = () => {
    queueIndex = 0;
    void publishAsync();
  };
  figma.on('selectionchange', onSelection);
  const unwatch = watchSelectedSketch(() => void publishAsync());
  const disconnect = endpoint.connect();
  const stop = () => {
    figma.off('selectionchange', onSelection);
    unwatch();
    gate.close();
    disconnect();
  };
  figma.on('close', stop);
  return stop;
}
