// onnxruntime-web in headless Chromium with the UI's setup: the webgpu build, its wasm inlined
// into the page as bytes (no .wasm request may leave the page), run on the CPU EP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserPage, PROJECT_ROOT, type BrowserSession } from '../../helpers/browser.ts';
import { singleFilePage } from '../../harness/page-bundle.ts';

describe('onnxruntime-web in Chromium, wasm inlined', () => {
  let session: BrowserSession;
  const requests: string[] = [];
  beforeAll(async () => {
    session = await openBrowserPage();
    const html = await singleFilePage(`${PROJECT_ROOT}/test/harness/ort-probe.ts`);
    session.server.routes.set('/ort-probe.html', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    session.page.on('request', (r) => requests.push(r.url()));
  });
  afterAll(async () => {
    await session?.close();
  });

  it('runs the tiny model from a single-file page without fetching any wasm', async () => {
    await session.page.goto(`${session.server.origin}/ort-probe.html`);
    await session.page.waitForFunction(() => window.__ortProbe !== undefined, undefined, { timeout: 90_000 });
    const probe = await session.page.evaluate(() => window.__ortProbe!);
    expect(probe.error, session.logs.join('\n')).toBeUndefined();
    probe.output!.forEach((v, i) => expect(v).toBeCloseTo(probe.expected[i], 5));
    expect(requests.filter((u) => !u.endsWith('/ort-probe.html') && !u.endsWith('/blank.html'))).toEqual([]);
  });
});
