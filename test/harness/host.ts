// The host harness: plays Figma's sandbox for the UI. It loads dist/ui.html into a sandboxed
// iframe (null origin, like Figma's), speaks the real protocol (src/common/protocol.ts) on
// the sandbox's side, answers 'ready', sends selections built from fixture images, accepts
// inserts, and records everything the UI sent on window.__host for tests.
// Query parameters: ui (default /dist/ui.html), fixture (select it once the UI is ready),
// theme (light | dark), webgpu=off (hide navigator.gpu from the UI, as a host without WebGPU),
// worker=blob (a CSP that allows only blob: workers, as a host that refuses data: workers: the
// engine worker then is no secure context and gets no WebGPU), frame=data (the UI document is a
// data: URL, as public reports describe Figma's plugin iframe: a tiny data: loader that writes
// the HTML it is sent; such a document is no secure context, so neither it nor its workers get
// navigator.gpu or crypto.subtle. Chromium refuses data: navigations over 2 MB, hence the loader),
// shards=N (window.sketchifyShards before the UI starts: 1 = no loss workers, warm-up included),
// sandbox=figma (the plugin's real sandbox on a fake Figma answers instead: figma-sandbox.ts),
// window=hosted[&windowUrl=URL|&windowPath=PATH&windowPort=N][&pluginId=ID&answerMs=MS] (the
// sandbox opens the hosted window at URL, default dist/web/ of this server under the name
// localhost (localWindowUrl), as a build with SKETCHIFY_WINDOW_URL does: hosted-window.ts).
// In every mode the UI document gets the Content-Security-Policy Figma derives from
// manifest.json's networkAccess.allowedDomains (connect-src, read from the file at load time:
// manifest-policy.ts), so a download host the manifest does not list is refused here as there,
// on the first request and on every redirect hop.
import {
  createPluginEndpoint,
  type ImageSource,
  type ProblemCode,
  type SelectionState,
  type Transport,
} from '../../src/common/protocol.ts';
import { connectSrcPolicy, readAllowedDomains } from './manifest-policy.ts';
import { startFigmaSandbox } from './figma-sandbox.ts';
import { hostedWindowHarness } from './hosted-window.ts';
import { buildImageSource, type FixtureSelection } from './selection.ts';

export interface RecordedRequest {
  type: string;
  payload: unknown;
  at: number;
}

export interface HostApi {
  /** Every request the UI sent, in order, after validation. */
  requests: RecordedRequest[];
  /** Messages the protocol rejected (shape, version). */
  rejections: string[];
  ready: boolean;
  select(selection: FixtureSelection): Promise<void>;
  problem(code: ProblemCode, message?: string): Promise<void>;
  /** Makes the next insert fail with this message (a sandbox error). */
  failNextInsert(message: string): void;
  requestsOf(type: string): RecordedRequest[];
  frame: HTMLIFrameElement;
}

declare global {
  interface Window {
    __host: HostApi;
  }
}

const params = new URLSearchParams(location.search);
const frame = document.getElementById('ui') as HTMLIFrameElement;
const logEl = document.getElementById('log');
const log = (line: string) => {
  if (logEl) logEl.textContent = `${line}\n${logEl.textContent ?? ''}`.slice(0, 20_000);
};

/**
 * The hosted window's URL on this machine, told to talk to this page's origin (here the harness
 * plays Figma): by default this server under the name localhost, another origin and another
 * site (a third-party frame, as in Figma's web app, where browsers may refuse it storage); with
 * windowPort=N, another server on 127.0.0.1: another origin of the same site.
 */
function localWindowUrl(path: string): string {
  const port = params.get('windowPort');
  const url = new URL(path, port ? `http://127.0.0.1:${port}` : `http://localhost:${location.port}`);
  url.hash = new URLSearchParams({ parentOrigin: location.origin }).toString();
  return url.href;
}

const frameTransport: Transport = {
  post(message) {
    frame.contentWindow?.postMessage({ pluginMessage: message }, '*');
  },
  subscribe(handler) {
    const listener = (event: MessageEvent) => {
      if (event.source !== frame.contentWindow) return;
      const data = event.data as { pluginMessage?: unknown } | null;
      if (data && typeof data === 'object' && 'pluginMessage' in data) handler(data.pluginMessage);
    };
    window.addEventListener('message', listener);
    return () => window.removeEventListener('message', listener);
  },
};

const hosted =
  params.get('window') === 'hosted'
    ? hostedWindowHarness({
        frame,
        windowUrl: params.get('windowUrl') ?? localWindowUrl(params.get('windowPath') ?? '/dist/web/index.html'),
        pluginId: params.get('pluginId') ?? 'sketchify-harness',
        answerMs: params.has('answerMs') ? Number(params.get('answerMs')) : undefined,
        showBundled: () => void loadBundled(),
        refused(reason) {
          host.rejections.push(reason);
          log(reason);
        },
      })
    : null;
const transport = hosted?.transport ?? frameTransport;

const endpoint = createPluginEndpoint(transport, {
  onReject: (e) => {
    host.rejections.push(e.message);
    log(`rejected: ${e.message}`);
  },
});

let current: SelectionState = {
  status: 'problem',
  code: 'nothing-selected',
  message: 'Select a layer with an image fill.',
  queue: { index: 0, items: [] },
};
let insertCount = 0;
let nextInsertError: string | null = null;

const record = (type: string, payload: unknown) => {
  host.requests.push({ type, payload, at: performance.now() });
  log(`${type} ${summarize(payload)}`);
};

function summarize(payload: unknown): string {
  const text = JSON.stringify(payload, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v)) ?? '';
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

async function send(selection: SelectionState): Promise<void> {
  current = selection;
  if (!host.ready) return; // sent on 'ready'
  await endpoint.emit('selection', selection);
}

function inserted(vectorCount: number) {
  if (nextInsertError) {
    const message = nextInsertError;
    nextInsertError = null;
    throw new Error(message);
  }
  insertCount += 1;
  return { nodeId: `harness:${insertCount}`, vectorCount };
}

endpoint.on('ready', () => {
  record('ready', {});
  host.ready = true;
  hosted?.gate.uiReady();
  // Like the sandbox: reply first, then send the current selection.
  setTimeout(() => void endpoint.emit('selection', current).catch((e: unknown) => log(`selection failed: ${String(e)}`)), 0);
  return { command: 'open', window: hosted?.gate.describe() ?? { mode: 'bundled' as const } };
});
endpoint.on('pickSource', (p) => (record('pickSource', p), {}));
endpoint.on('insertSketch', (p) => {
  record('insertSketch', p);
  return inserted(p.layout === 'single-vector' ? 1 : p.sketch.strokes.length);
});
endpoint.on('insertSeries', (p) => {
  record('insertSeries', p);
  return inserted(p.layout === 'single-vector' ? p.sketches.length : p.sketches.reduce((n, s) => n + s.strokes.length, 0));
});
endpoint.on('notify', (p) => (record('notify', p), {}));
endpoint.on('resize', (p) => {
  record('resize', p);
  frame.style.width = `${p.width}px`;
  frame.style.height = `${p.height}px`;
  return {};
});
endpoint.on('close', (p) => (record('close', p), {}));

const host: HostApi = {
  requests: [],
  rejections: [],
  ready: false,
  frame,
  async select(selection) {
    const source: ImageSource = await buildImageSource(selection);
    await send({ status: 'ready', source, queue: { index: 0, items: [{ nodeId: source.nodeId, name: source.nodeName }] } });
  },
  async problem(code, message = defaultProblemMessage(code)) {
    await send({ status: 'problem', code, message, queue: { index: 0, items: [] } });
  },
  failNextInsert(message) {
    nextInsertError = message;
  },
  requestsOf(type) {
    return host.requests.filter((r) => r.type === type);
  },
};
window.__host = host;

function defaultProblemMessage(code: ProblemCode): string {
  const messages: Record<ProblemCode, string> = {
    'nothing-selected': 'Select a layer with an image fill.',
    'no-image': 'The selected layer has no image fill.',
    hidden: 'The image is hidden.',
    'too-large': 'The image is larger than 4096 px.',
    'too-small': 'The image is smaller than 16 px.',
    unavailable: 'The image could not be read.',
    'source-missing': 'The image this sketch was drawn from was deleted.',
  };
  return messages[code];
}

/** The manifest's network policy, as Figma puts it on the plugin window. */
async function manifestPolicy(): Promise<string> {
  const response = await fetch('/manifest.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`cannot load /manifest.json: HTTP ${response.status}`);
  return connectSrcPolicy(readAllowedDomains(await response.json()));
}

const cspMeta = (policy: string): string => `<meta http-equiv="Content-Security-Policy" content="${policy}">`;

/** Policies and scripts put before the UI's own: they change what the UI finds, as a different host would. */
function hostPrelude(networkPolicy: string): string {
  const parts: string[] = [];
  const csp = cspMeta(networkPolicy) + (params.get('worker') === 'blob' ? cspMeta('worker-src blob:') : '');
  if (params.get('webgpu') === 'off') parts.push("Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });");
  // shards=N: the CPU path's shard count from the start, warm-up included (src/ui/engine/engine-client.ts).
  const shards = params.get('shards');
  if (shards && /^\d+$/.test(shards)) parts.push(`window.sketchifyShards = ${Number(shards)};`);
  return csp + (parts.length ? `<script>${parts.join('\n')}</script>` : '');
}

function applyTheme(html: string, theme: string): string {
  // Figma sets the theme class on <html> when the plugin opts into themeColors.
  return html.replace('<html lang="en">', `<html lang="en" class="figma-${theme}">`);
}

/** The loader accepts one string from its parent and replaces itself with it. */
const DATA_LOADER =
  '<script>onmessage=function(e){if(e.source!==parent||typeof e.data!=="string")return;onmessage=null;document.open();document.write(e.data);document.close()};parent.postMessage("sketchify-data-loader","*")</script>';

/** Loads the data: loader, waits for its word (not a load event: a frame replacing another may fire one early), sends the HTML. */
async function loadAsDataUrl(html: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const listener = (event: MessageEvent) => {
      if (event.source !== frame.contentWindow || event.data !== 'sketchify-data-loader') return;
      window.removeEventListener('message', listener);
      resolve();
    };
    window.addEventListener('message', listener);
    frame.removeAttribute('srcdoc'); // srcdoc would win over src (a hosted window's loader set it)
    frame.src = `data:text/html;base64,${btoa(DATA_LOADER)}`;
  });
  frame.contentWindow!.postMessage(html, '*');
}

/** The bundled window (dist/ui.html, or ?ui=), loaded as the query says. */
async function loadBundled(): Promise<void> {
  const url = params.get('ui') ?? '/dist/ui.html';
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status} (run node build.mjs)`);
  const html = applyTheme(await response.text(), params.get('theme') ?? 'light');
  const document = html.replace('<head>', `<head>${hostPrelude(await manifestPolicy())}`);
  // Figma shows its built-in window as a data: document; so does a hosted window's fallback here.
  if (params.get('frame') === 'data' || hosted) await loadAsDataUrl(document);
  // srcdoc + sandbox="allow-scripts": an opaque origin and no URL of its own, as in Figma.
  else frame.srcdoc = document;
  log(`loaded ${url} (${(html.length / 1e6).toFixed(1)} MB)`);
}

async function loadUi(): Promise<void> {
  if (params.get('sandbox') === 'figma') {
    startFigmaSandbox(frame, (type, payload) => {
      record(type, payload);
      if (type === 'ready') host.ready = true;
    });
  } else {
    endpoint.connect();
  }
  if (hosted) {
    hosted.gate.open();
    log(`opening the hosted window ${params.get('windowUrl')}`);
  } else await loadBundled();
}

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-select]')) {
  button.onclick = () =>
    void host.select({ fixture: button.dataset.select!, scaleMode: (button.dataset.mode as 'FILL' | 'CROP') ?? 'FILL' });
}
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-problem]')) {
  button.onclick = () => void host.problem(button.dataset.problem as ProblemCode);
}
document.querySelector<HTMLButtonElement>('button[data-theme]')!.onclick = () => {
  const next = new URLSearchParams(location.search);
  next.set('theme', (params.get('theme') ?? 'light') === 'light' ? 'dark' : 'light');
  location.search = next.toString();
};

const fixture = params.get('fixture');
if (fixture)
  current = {
    status: 'ready',
    source: await buildImageSource({ fixture }),
    queue: { index: 0, items: [{ nodeId: `fixture:${fixture}`, name: fixture }] },
  };
await loadUi();
