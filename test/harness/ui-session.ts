// Opens the host harness with the built dist/ui.html in headless Chromium and gives tests the
// UI's frame and the harness's record of what the UI sent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { openBrowserPage, PROJECT_ROOT, type BrowserSession } from '../helpers/browser.ts';
import type { RecordedRequest } from './host.ts';

export interface UiSession extends BrowserSession {
  ui: Frame;
  /** What the UI has sent to the (harness) sandbox so far. */
  requests(type?: string): Promise<RecordedRequest[]>;
  screenshot(name: string): Promise<void>;
}

export const RESULTS_DIR = join(PROJECT_ROOT, 'test-results');

export async function openUi(query = ''): Promise<UiSession> {
  for (const f of ['dist/ui.html', 'build/harness/host.js']) {
    if (!existsSync(join(PROJECT_ROOT, f))) throw new Error(`${f} is missing: run \`node build.mjs\` first (npm test does)`);
  }
  const session = await openBrowserPage(`/test/harness/host.html${query}`);
  await session.page.waitForFunction(() => window.__host?.ready === true, undefined, { timeout: 90_000 });
  const handle = await session.page.$('#ui');
  const ui = await handle!.contentFrame();
  if (!ui) throw new Error('the UI iframe has no frame');
  return {
    ...session,
    ui,
    async requests(type) {
      const all = await session.page.evaluate(() => window.__host.requests.map((r) => ({ ...r, payload: JSON.parse(JSON.stringify(r.payload)) as unknown })));
      return type ? all.filter((r) => r.type === type) : all;
    },
    async screenshot(name) {
      // A clip of the page, not an element screenshot: that waits for rAF stability, which a
      // busy machine may not give within its timeout.
      const box = await session.page.locator('#ui').boundingBox();
      await session.page.screenshot({ path: join(RESULTS_DIR, `ui-${name}.png`), clip: box ?? undefined, timeout: 60_000 });
    },
  };
}
