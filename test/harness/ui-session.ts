// Opens the host harness with the built dist/ui.html in headless Chromium and gives tests the
// UI's frame and the harness's record of what the UI sent.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { openBrowserPage, PROJECT_ROOT, type BrowserSession } from '../helpers/browser.ts';
import type { RecordedRequest } from './host.ts';

export interface UiSession extends BrowserSession {
  ui: Frame;
  /** What the UI has sent to the (harness) sandbox so far. */
  requests(type?: string): Promise<RecordedRequest[]>;
  screenshot(name: string): Promise<void>;
  /**
   * Clicks the element with this test id through the DOM. Playwright's trusted click hangs in
   * its hit-target check inside the sandboxed srcdoc iframe (an out-of-process frame in
   * current Chromium); the UI's handlers are ordinary click listeners, so a DOM click is the
   * same event to them.
   */
  click(testId: string): Promise<void>;
  /** Types a value into the number field with this test id (an input event, as typing sends). */
  setNumber(testId: string, value: string): Promise<void>;
  /**
   * Selects a harness fixture (default horse) and waits for its thumbnail; given `quick`, also
   * sets up a quick run (quickRunSettings).
   */
  select(fixture?: string, quick?: { strokes: number; iterations: number }): Promise<void>;
  /** Chooses the segmented-control option with this value and waits until the UI shows it chosen. */
  choose(value: string): Promise<void>;
  /** A quick run: `strokes` strokes, draft preset, `iterations` iterations (advanced panel). */
  quickRunSettings(strokes: number, iterations: number): Promise<void>;
  /** Picks the Compute option with this label in the advanced panel (open it first). */
  chooseCompute(label: 'Automatic (GPU when it helps)' | 'GPU (WebGPU)' | 'CPU'): Promise<void>;
}

export const RESULTS_DIR = join(PROJECT_ROOT, 'test-results');

export interface OpenUiOptions {
  /**
   * Let the UI start loss workers as in a real session (src/ui/worker/loss-workers.ts).
   * Default false: the page runs with `shards=1`, since each loss worker loads the whole
   * bundle again, and on a 2-core CI machine that load slowed every other browser test
   * (a page open timed out). test/ui/ui-loss-workers.test.ts and the bench use them.
   */
  lossWorkers?: boolean;
  /** Extra Chromium arguments (the played Hugging Face's host mapping: hf-route.ts). */
  chromiumArgs?: readonly string[];
}

export async function openUi(query = '', options: OpenUiOptions = {}): Promise<UiSession> {
  if (!options.lossWorkers && !/[?&]shards=/.test(query)) query += `${query.includes('?') ? '&' : '?'}shards=1`;
  for (const f of ['dist/ui.html', 'build/harness/host.js']) {
    if (!existsSync(join(PROJECT_ROOT, f))) throw new Error(`${f} is missing: run \`node build.mjs\` first (npm test does)`);
  }
  // A fresh clone has no test-results/ yet: screenshots and measurements are written there.
  mkdirSync(RESULTS_DIR, { recursive: true });
  const session = await openBrowserPage(`/test/harness/host.html${query}`, PROJECT_ROOT, options.chromiumArgs);
  await session.page.waitForFunction(() => window.__host?.ready === true, undefined, { timeout: 90_000 });
  const handle = await session.page.$('#ui');
  const ui = await handle!.contentFrame();
  if (!ui) throw new Error('the UI iframe has no frame');
  // The iframe does not move: measured once, while the page is idle.
  const box = await handle!.boundingBox();
  const uiSession: UiSession = {
    ...session,
    ui,
    async requests(type) {
      const all = await session.page.evaluate(() =>
        window.__host.requests.map((r) => ({ ...r, payload: JSON.parse(JSON.stringify(r.payload)) as unknown })),
      );
      return type ? all.filter((r) => r.type === type) : all;
    },
    async click(testId) {
      const button = ui.getByTestId(testId);
      await button.waitFor();
      const clicked = await button.evaluate((el: HTMLElement) => {
        if ((el as HTMLButtonElement).disabled) return false;
        el.click();
        return true;
      });
      if (!clicked) throw new Error(`${testId} is disabled`);
    },
    async setNumber(testId, value) {
      await ui.getByTestId(testId).evaluate((el, v) => {
        const input = (el.matches('input') ? el : el.querySelector('input')) as HTMLInputElement;
        input.value = v;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }, value);
    },
    async select(fixture = 'horse', quick) {
      await session.page.evaluate((f) => window.__host.select({ fixture: f }), fixture);
      await ui.getByTestId('thumbnail').waitFor();
      if (quick) await uiSession.quickRunSettings(quick.strokes, quick.iterations);
    },
    async choose(value) {
      // SegmentedControl options are labels wrapping hidden radio inputs. Playwright's check()
      // clicks at the input's box, which a late layout shift (the thumbnail's image decoding)
      // can move under another element on a slow machine: CI saw "did not change its state".
      // A DOM click is the same change event to Preact, and the wait proves the UI took it.
      const input = ui.locator(`input[value="${value}"]`);
      await input.evaluate((el: HTMLInputElement) => {
        if (el.disabled) throw new Error(`option ${el.value} is disabled`);
        if (!el.checked) el.click();
      });
      // No inner named function in the page callback: tsx (the bench) would wrap it in __name.
      await ui.waitForFunction((v) => (document.querySelector(`input[value="${v}"]`) as HTMLInputElement | null)?.checked === true, value, {
        timeout: 10_000,
      });
    },
    async quickRunSettings(strokes, iterations) {
      await uiSession.choose(String(strokes));
      await uiSession.choose('draft');
      await uiSession.click('advanced');
      await uiSession.setNumber('iterations', String(iterations));
    },
    async chooseCompute(label) {
      // The dropdown opens a menu of labelled options; a DOM click picks one (see click()).
      await uiSession.click('compute');
      await ui
        .getByText(label, { exact: true })
        .last()
        .evaluate((el: HTMLElement) => el.click());
      const shown = await ui.getByTestId('compute').textContent();
      if (!shown?.includes(label)) throw new Error(`compute shows '${shown}', not '${label}'`);
    },
    async screenshot(name) {
      // A clip of the page, not an element screenshot: that waits for rAF stability, which a
      // busy machine may not give. An artifact for review, so a timeout only warns: on this
      // loaded 2-core machine Chromium's main thread can be starved for tens of seconds.
      try {
        await session.page.screenshot({ path: join(RESULTS_DIR, `ui-${name}.png`), clip: box ?? undefined, timeout: 30_000 });
      } catch (error) {
        console.warn(`screenshot ui-${name}.png not taken: ${(error as Error).message.split('\n')[0]}`);
      }
    },
  };
  return uiSession;
}
