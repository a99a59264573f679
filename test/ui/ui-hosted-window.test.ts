// The hosted plugin window (dist/web, src/plugin/window-mode.ts) in the host harness: the
// harness page plays Figma and the sandbox at http://127.0.0.1:PORT and the sandbox's window
// gate navigates the plugin window to dist/web/ at http://localhost:PORT, another origin (both
// secure contexts). Across the origins the whole flow works on WebGPU (SwiftShader); downloaded
// CLIP weights stay in the window's Cache Storage and are found, re-verified and used after the
// window is opened again, with no second download; messages from another origin or for another
// plugin id change nothing and are logged; and with the hosted server down the built-in window
// appears with its one-line reason and a sketch completes on the CPU.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from 'playwright-core';
import { clipWeightSpec } from '../../src/engine/networks/clip-specs.ts';
import { CLIP_RN50_ENTRY } from '../../models/clip-rn50.ts';
import { startHuggingFace, zeroCheckpointHeader, type HfServer } from '../harness/hf-route.ts';
import { PROJECT_ROOT } from '../helpers/browser.ts';
import { startStaticServer, type StaticServer } from '../helpers/static-server.ts';
import { openUi, type UiSession } from '../harness/ui-session.ts';

const textOf = (ui: Frame, testId: string) => ui.getByTestId(testId).textContent();

describe('the hosted plugin window, across sites', () => {
  let s: UiSession;

  beforeAll(async () => {
    s = await openUi('?window=hosted');
  }, 200_000);
  afterAll(async () => {
    if (process.env.UI_LOGS) console.log(s?.logs.join('\n'));
    await s?.close();
  });

  it('is the hosted page, a secure context of its own origin, and the whole flow runs on WebGPU', async () => {
    expect(s.ui.url()).toMatch(/^http:\/\/localhost:\d+\/dist\/web\/index\.html#/);
    expect(
      await s.ui.evaluate(() => ({ origin: self.origin, secure: isSecureContext, gpu: 'gpu' in navigator && !!navigator.gpu })),
    ).toEqual({
      origin: expect.stringMatching(/^http:\/\/localhost:\d+$/),
      secure: true,
      gpu: true,
    });
    expect(await s.ui.locator('[data-testid=window-note]').count()).toBe(0);
    await s.select('horse', { strokes: 4, iterations: 3 });
    await s.chooseCompute('GPU (WebGPU)');
    await s.click('run');
    await s.ui.waitForFunction(
      () => /Done after 3 iterations/.test(document.querySelector('[data-testid=summary]')?.textContent ?? ''),
      undefined,
      { timeout: 240_000 },
    );
    await expect(textOf(s.ui, 'summary')).resolves.toMatch(/Ran on WebGPU/);
    await s.click('insert');
    await s.ui.getByText('Inserted 4 strokes', { exact: false }).waitFor();
    expect(await s.requests('insertSketch')).toHaveLength(1);
    expect(await s.page.evaluate(() => window.__host.rejections)).toEqual([]);
  }, 400_000);

  it('ignores messages from another origin, for another plugin id, or not from its parent, and logs them', async () => {
    const inserts = (await s.requests('insertSketch')).length;
    const forged = { v: 1, kind: 'request', id: 999, type: 'notify', payload: { message: 'forged' } };
    // From the harness page's own origin (not the window's): the sandbox's gate refuses it.
    await s.page.evaluate((m) => window.postMessage({ pluginMessage: m, pluginId: 'sketchify-harness' }, '*'), forged);
    // From the window's origin but for another plugin: Figma drops it.
    await s.ui.evaluate((m) => parent.postMessage({ pluginMessage: m, pluginId: 'another-plugin' }, '*'), forged);
    // To the window from itself (not its parent): the window ignores it.
    await s.ui.evaluate(() => window.postMessage({ pluginMessage: { v: 1, kind: 'request', id: 5, type: 'selection', payload: {} } }, '*'));
    await s.page.waitForFunction(() => window.__host.rejections.length >= 2);
    const rejections = await s.page.evaluate(() => window.__host.rejections);
    expect(rejections).toEqual([
      expect.stringMatching(/sandbox ignored a message from "http:\/\/127\.0\.0\.1:\d+", not the window's origin http:\/\/localhost:\d+/),
      expect.stringMatching(/dropped a message for plugin "another-plugin"/),
    ]);
    await expect.poll(() => s.logs.some((l) => /ignored a message from .*not the parent window/.test(l)), { timeout: 10_000 }).toBe(true);
    expect(await s.requests('notify')).toEqual([]);
    expect(await s.requests('insertSketch')).toHaveLength(inserts);
    await s.ui.getByTestId('thumbnail').waitFor(); // the selection is still there
  }, 60_000);

  it('where the browser refuses a third-party window storage, says that models last only until the panel closes', async () => {
    await s.ui.locator('input[value="clip-rn50"]').evaluate((el: HTMLElement) => el.click());
    await expect(textOf(s.ui, 'download-size')).resolves.toMatch(/kept until the plugin closes/);
    await s.ui.locator('input[value="embedded"]').evaluate((el: HTMLElement) => el.click());
  }, 60_000);
});

describe('the hosted plugin window, same site (storage allowed)', () => {
  let s: UiSession;
  let hf: HfServer;
  let site: StaticServer;

  beforeAll(async () => {
    const file = zeroCheckpointHeader(clipWeightSpec(CLIP_RN50_ENTRY.clip));
    hf = await startHuggingFace({ ...file, chunk: 80 << 20 });
    site = await startStaticServer(PROJECT_ROOT);
    s = await openUi(`?window=hosted&windowPort=${new URL(site.origin).port}`, { chromiumArgs: hf.chromiumArgs });
  }, 200_000);
  afterAll(async () => {
    if (process.env.UI_LOGS) console.log(s?.logs.join('\n'));
    await s?.close();
    await hf?.close();
    await site?.close();
  });

  it('keeps downloaded CLIP weights: after the window opens again they are found, checked and used without a second download', async () => {
    const chooseModel = (ui: Frame, id: string) => ui.locator(`input[value="${id}"]`).evaluate((el: HTMLElement) => el.click());
    expect(s.ui.url().startsWith(`${site.origin}/dist/web/index.html#`)).toBe(true);
    await chooseModel(s.ui, 'clip-rn50');
    await expect(textOf(s.ui, 'download-size')).resolves.toMatch(/kept in this browser/);
    await s.click('model-download');
    await s.ui.getByTestId('model-ready').waitFor({ timeout: 300_000 });
    await expect(textOf(s.ui, 'model-ready')).resolves.toMatch(/kept in this browser for the next sessions/);
    await s.ui.getByTestId('stored-models').waitFor();
    await expect(textOf(s.ui, 'stored-models')).resolves.toMatch(/clip-rn50 \(15\d MB\)/);
    const fetched = hf.requests.length;
    expect(fetched).toBeGreaterThan(0);

    // Close the window and open it again: a new page load of the harness and the hosted page.
    await s.page.reload();
    await s.page.waitForFunction(() => window.__host?.ready === true, undefined, { timeout: 90_000 });
    const ui = (await (await s.page.$('#ui'))!.contentFrame())!;
    await ui.getByTestId('stored-models').waitFor({ timeout: 30_000 });
    await chooseModel(ui, 'clip-rn50');
    await expect(textOf(ui, 'download-size')).resolves.toMatch(/Downloaded before: 15\d MB kept in this browser/);
    await ui.getByTestId('model-download').evaluate((el: HTMLElement) => el.click());
    await ui.getByTestId('model-ready').waitFor({ timeout: 300_000 });
    await expect(textOf(ui, 'model-ready')).resolves.toMatch(/loaded from this browser’s storage and checked again/);
    expect(hf.requests.length).toBe(fetched);

    // Remove them: the line says what was freed, and nothing is kept any more.
    await ui.getByTestId('remove-stored-models').evaluate((el: HTMLElement) => el.click());
    await ui.waitForFunction(
      () => /Removed the downloaded models \(15\d MB\)/.test(document.querySelector('[data-testid=stored-models]')?.textContent ?? ''),
      undefined,
      { timeout: 30_000 },
    );
  }, 900_000);
});

describe('the hosted plugin window, server down', () => {
  let s: UiSession;
  afterAll(async () => {
    if (process.env.UI_LOGS) console.log(s?.logs.join('\n'));
    await s?.close();
  });

  it('falls back to the built-in window with a one-line reason, and a sketch completes on the CPU', async () => {
    // Port 9 (discard) has no server here: the navigation fails and the page never answers.
    s = await openUi(`?window=hosted&answerMs=3000&windowUrl=${encodeURIComponent('http://localhost:9/index.html')}`);
    await s.ui.getByTestId('window-note').waitFor({ timeout: 30_000 });
    await expect(textOf(s.ui, 'window-note')).resolves.toMatch(
      /^The hosted window \(http:\/\/localhost:9\) did not answer within 3 s \(offline, blocked or not found\): using the built-in window instead\.$/,
    );
    expect(s.ui.url()).toMatch(/^data:/);
    await s.select('horse', { strokes: 4, iterations: 3 });
    await s.click('run');
    await s.ui.waitForFunction(
      () => /Done after 3 iterations/.test(document.querySelector('[data-testid=summary]')?.textContent ?? ''),
      undefined,
      { timeout: 240_000 },
    );
    await expect(textOf(s.ui, 'summary')).resolves.toMatch(/Ran on CPU/);
  }, 400_000);
});

describe('the hosted plugin window, a tampered file on its site', () => {
  let s: UiSession;
  let site: StaticServer;
  afterAll(async () => {
    if (process.env.UI_LOGS) console.log(s?.logs.join('\n'));
    await s?.close();
    await site?.close();
  });

  it('refuses an embedded model whose bytes do not match the digest of the build, in plain words', async () => {
    site = await startStaticServer(PROJECT_ROOT);
    const file = readdirSync(join(PROJECT_ROOT, 'dist/web')).find((f) => f.endsWith('.bin'))!;
    const bytes = readFileSync(join(PROJECT_ROOT, 'dist/web', file));
    bytes[1000] ^= 0xff; // same size, one byte changed
    site.routes.set(`/dist/web/${file}`, (_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes));
    s = await openUi(`?window=hosted&windowPort=${new URL(site.origin).port}`);
    await s.select('horse', { strokes: 4, iterations: 3 });
    await s.click('run');
    await s.ui.getByTestId('problem').waitFor({ timeout: 120_000 });
    await expect(textOf(s.ui, 'problem')).resolves.toMatch(/does not match its SHA-256 .*refused/s);
  }, 300_000);
});
