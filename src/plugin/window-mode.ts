// Which window the sandbox shows. The bundled window (manifest "ui", one file) is the default
// and works offline; Figma loads it as a null-origin document: no secure context, so no WebGPU
// and no storage that outlives the panel. A build given a window URL (SKETCHIFY_WINDOW_URL)
// first shows a one-line page that navigates to that https page of ours (Figma's "non-null
// origin" windows): a secure context with WebGPU where the browser has it, and Cache Storage.
// If that page does not say it is loading within a few seconds (offline, blocked, 404), or its
// UI does not start, the bundled window replaces it and the panel is told why in one line.
// Pure and DOM-free: the sandbox (start-plugin.ts) and the host harness drive the same logic.

import { WINDOW_LOADING_SIGNAL } from '../common/iframe-transport.ts';

export const WINDOW_ANSWER_MS = 8_000;
export const WINDOW_READY_MS = 60_000;

export type WindowMode = 'bundled' | 'hosted';

export interface WindowSetup {
  /** The hosted window's URL, '' for the bundled window only. */
  url: string;
  /** figma.pluginId: the hosted page must send it with every message. */
  pluginId: string;
  answerMs?: number;
  readyMs?: number;
}

export interface WindowDriver {
  /** figma.showUI(html, options): replaces any window shown before. */
  show(html: string): void;
  /** The bundled window's HTML (__html__). */
  bundledHtml: string;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** Messages refused at this gate (wrong origin), for the log. */
  onRefused(reason: string): void;
  /** The window changed to the bundled one (the reason is also kept in `note`). */
  onFallback?(reason: string): void;
}

/** The origin of a window URL: https, or http on the local machine (development). */
export function windowOrigin(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`the window URL '${url}' is not a URL`);
  }
  const local = parsed.hostname === 'localhost' || parsed.hostname === '127.0.0.1';
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && local)) {
    throw new Error(`the window URL must be https (or http on localhost for development), got '${url}'`);
  }
  if (parsed.username || parsed.password) throw new Error('the window URL must not carry credentials');
  return parsed.origin;
}

/** The one-line page Figma shows first: it navigates to the hosted window, naming the plugin. */
export function loaderHtml(url: string, pluginId: string): string {
  const target = new URL(url);
  const params = new URLSearchParams(target.hash.replace(/^#/, ''));
  params.set('pluginId', pluginId);
  target.hash = params.toString();
  // JSON.stringify escapes quotes; '<' is escaped too so the URL cannot close the script tag.
  const literal = JSON.stringify(target.href).replace(/</g, '\\u003c');
  return `<!doctype html><meta charset="utf-8"><script>location.replace(${literal})</script>`;
}

const isLoadingSignal = (message: unknown): boolean =>
  typeof message === 'object' && message !== null && (message as { signal?: unknown }).signal === WINDOW_LOADING_SIGNAL;

/**
 * Opens the window and filters what arrives from it. `accept(message, origin)` returns true for
 * a message the sandbox's endpoint should read; `uiReady()` is called when the UI's 'ready'
 * arrived (the hosted window works).
 */
export class WindowGate {
  mode: WindowMode = 'bundled';
  /** Why the window is the bundled one although a hosted one was configured. */
  note: string | null = null;
  private readonly hostedOrigin: string | null;
  private timer: unknown = null;
  private answered = false;

  constructor(
    private readonly setup: WindowSetup,
    private readonly driver: WindowDriver,
  ) {
    this.hostedOrigin = setup.url ? windowOrigin(setup.url) : null;
  }

  open(): void {
    if (!this.hostedOrigin) return this.driver.show(this.driver.bundledHtml);
    this.mode = 'hosted';
    this.driver.show(loaderHtml(this.setup.url, this.setup.pluginId));
    const seconds = Math.round((this.setup.answerMs ?? WINDOW_ANSWER_MS) / 1000);
    this.arm(
      this.setup.answerMs ?? WINDOW_ANSWER_MS,
      `The hosted window (${this.hostedOrigin}) did not answer within ${seconds} s (offline, blocked or not found)`,
    );
  }

  /** Whether a message from the window (Figma's `origin` for it) may reach the endpoint. */
  accept(message: unknown, origin: string): boolean {
    if (this.mode === 'bundled') {
      // A hosted window replaced by the bundled one cannot speak any more; refuse it anyway.
      if (this.hostedOrigin && origin === this.hostedOrigin) return this.refuse(`a message from the replaced hosted window (${origin})`);
      return true;
    }
    if (origin !== this.hostedOrigin)
      return this.refuse(`a message from ${JSON.stringify(origin)}, not the window's origin ${this.hostedOrigin}`);
    if (isLoadingSignal(message)) {
      if (!this.answered) {
        this.answered = true;
        this.arm(this.setup.readyMs ?? WINDOW_READY_MS, `The hosted window (${this.hostedOrigin}) started but its panel did not load`);
      }
      return false;
    }
    return true;
  }

  /** The UI said 'ready': whichever window it is, it works. */
  uiReady(): void {
    this.answered = true;
    this.disarm();
  }

  /** What the panel shows about its window (sent with the reply to 'ready'). */
  describe(): { mode: WindowMode; note?: string } {
    return this.note ? { mode: this.mode, note: this.note } : { mode: this.mode };
  }

  close(): void {
    this.disarm();
  }

  private arm(ms: number, reason: string): void {
    this.disarm();
    this.timer = this.driver.setTimer(() => this.fallBack(reason), ms);
  }

  private disarm(): void {
    if (this.timer !== null) this.driver.clearTimer(this.timer);
    this.timer = null;
  }

  private fallBack(reason: string): void {
    this.timer = null;
    this.mode = 'bundled';
    this.note = `${reason}: using the built-in window instead.`;
    this.driver.show(this.driver.bundledHtml);
    this.driver.onFallback?.(this.note);
  }

  private refuse(reason: string): false {
    this.driver.onRefused(reason);
    return false;
  }
}
