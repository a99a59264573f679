// Headless Debian Chromium through playwright-core, with WebGPU on SwiftShader.
// Pages are served from 127.0.0.1 by the static server (project root by default).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startStaticServer, type StaticServer } from './static-server.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

// Flags measured on the development machine (docs/design.md "Platform facts"): WebGPU needs --enable-unsafe-webgpu on this machine;
// the networking flags stop Chromium from calling out of a closed network.
const CHROMIUM_FLAGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface BrowserSession {
  browser: BrowserContext;
  server: StaticServer;
  page: Page;
  /** Console lines and page errors, for diagnosing a failing test. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * Launches Chromium (with `extraArgs` after the usual flags), serves `root` and opens `path`
 * (default: a blank page on the server).
 */
export async function openBrowserPage(
  path = '/test/helpers/blank.html',
  root = PROJECT_ROOT,
  extraArgs: readonly string[] = [],
): Promise<BrowserSession> {
  const server = await startStaticServer(root);
  const userDataDir = mkdtempSync(join(tmpdir(), 'sketchify-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_FLAGS, ...extraArgs],
    });
  } catch (error) {
    await server.close();
    throw new Error(`Cannot start Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium): ${String(error)}`);
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const logs: string[] = [];
  page.on('console', (msg) => logs.push(`[${msg.type()}] ${msg.text()}`));
  page.on('pageerror', (err) => logs.push(`[pageerror] ${err.message}`));
  await page.goto(server.origin + path);
  return {
    browser: context,
    server,
    page,
    logs,
    async close() {
      await context.close();
      await server.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export type { Browser, Page };

/** Loads onnxruntime-web's webgpu build into the page as `window.ort` (wasm from the server, one thread). */
export async function loadOrtInPage(page: Page): Promise<void> {
  // A module script (not page.evaluate) so the test transform leaves the import alone.
  await page.addScriptTag({
    type: 'module',
    content: `import * as ort from '/node_modules/onnxruntime-web/dist/ort.webgpu.min.mjs';
      ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
      ort.env.wasm.numThreads = 1;
      window.ort = ort;`,
  });
  await page.waitForFunction(() => 'ort' in window, undefined, { timeout: 60_000 });
}
