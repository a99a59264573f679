// Which window the sandbox shows (src/plugin/window-mode.ts through startPlugin) and the
// window's side of the cross-origin channel (src/common/iframe-transport.ts), with the fake
// Figma: the hosted window opens through a one-line loader naming the plugin, only its origin
// is heard, and without an answer the bundled window replaces it and the panel is told why.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hostedWindowFromHash, iframeTransport, FIGMA_ORIGIN, type MessageWindow } from '../../src/common/iframe-transport.ts';
import { createUiEndpoint } from '../../src/common/protocol.ts';
import { startPlugin } from '../../src/plugin/start-plugin.ts';
import { loaderHtml, windowOrigin, WindowGate } from '../../src/plugin/window-mode.ts';
import { FigmaFake, installFigmaFake } from '../helpers/figma-fake.ts';

const URL_ = 'https://sketchify.example/window/';
const ORIGIN = 'https://sketchify.example';

describe('the sandbox opens its window', () => {
  let fake: FigmaFake;
  let restore: () => void;
  let stop: () => void;
  let warn: ReturnType<typeof vi.spyOn>;
  const uiFrom = (origin: string) => {
    const ui = createUiEndpoint(fake.uiTransport(origin), { timeoutMs: 500 });
    ui.on('selection', () => ({}));
    ui.connect();
    return ui;
  };

  beforeEach(() => {
    ({ fake, restore } = installFigmaFake());
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    stop?.();
    restore();
    warn.mockRestore();
    vi.useRealTimers();
  });

  it('shows the bundled window when no window URL was built in', async () => {
    stop = startPlugin();
    expect(fake.shownHtml).toEqual(['<html></html>']);
    expect(await uiFrom('null').emit('ready', {})).toEqual({ command: '', window: { mode: 'bundled' } });
  });

  it('navigates to the hosted window with the plugin id, and hears only that origin', async () => {
    stop = startPlugin({ url: URL_, answerMs: 60_000 });
    expect(fake.shownHtml).toHaveLength(1);
    expect(fake.shownHtml[0]).toContain(`location.replace("${URL_}#pluginId=fake-plugin-id")`);
    await expect(uiFrom('https://evil.example').emit('ready', {})).rejects.toThrow(/no reply|timed out|within/i);
    expect(warn.mock.calls.flat().join('\n')).toMatch(
      /ignored a message from "https:\/\/evil\.example", not the window's origin https:\/\/sketchify\.example/,
    );
    expect(await uiFrom(ORIGIN).emit('ready', {})).toEqual({ command: '', window: { mode: 'hosted' } });
    expect(fake.shownHtml).toHaveLength(1);
  });

  it('replaces a hosted window that does not answer by the bundled one, and says why', async () => {
    vi.useFakeTimers();
    stop = startPlugin({ url: URL_, answerMs: 2_000 });
    vi.advanceTimersByTime(1_999);
    expect(fake.shownHtml).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(fake.shownHtml).toEqual([expect.stringContaining('location.replace'), '<html></html>']);
    vi.useRealTimers();
    const reply = await uiFrom('null').emit('ready', {});
    expect(reply).toEqual({
      command: '',
      window: {
        mode: 'bundled',
        note: 'The hosted window (https://sketchify.example) did not answer within 2 s (offline, blocked or not found): using the built-in window instead.',
      },
    });
    // The replaced window's origin is not heard any more.
    await expect(uiFrom(ORIGIN).emit('ready', {})).rejects.toThrow();
    expect(warn.mock.calls.flat().join('\n')).toMatch(/ignored a message from the replaced hosted window/);
  });

  it('waits longer once the page said it is loading, then falls back if its panel never starts', async () => {
    vi.useFakeTimers();
    stop = startPlugin({ url: URL_, answerMs: 2_000, readyMs: 10_000 });
    fake.uiTransport(ORIGIN).post({ signal: 'sketchify-window-loading' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fake.shownHtml).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fake.shownHtml).toHaveLength(2);
    vi.useRealTimers();
    const reply = await uiFrom('null').emit('ready', {});
    expect(reply.window?.note).toMatch(
      /^The hosted window \(https:\/\/sketchify\.example\) started but its panel did not load: using the built-in window instead\.$/,
    );
  });
});

describe('window URLs and the loader', () => {
  it('accepts https, and http only on this machine', () => {
    expect(windowOrigin('https://a.example/x/index.html')).toBe('https://a.example');
    expect(windowOrigin('http://localhost:5173/')).toBe('http://localhost:5173');
    expect(() => windowOrigin('http://a.example/')).toThrow(/must be https/);
    expect(() => windowOrigin('javascript:alert(1)')).toThrow(/must be https/);
    expect(() => windowOrigin('not a url')).toThrow(/not a URL/);
    expect(() => windowOrigin('https://user:pw@a.example/')).toThrow(/credentials/);
  });

  it('keeps the URL inside its script, whatever it holds', () => {
    const html = loaderHtml('https://a.example/</script><script>alert(1)</script>', 'id"1');
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).toContain('pluginId=id%221');
  });

  it('refuses a gate for an unsafe URL before showing anything', () => {
    const show = vi.fn();
    expect(
      () =>
        new WindowGate(
          { url: 'http://a.example/', pluginId: 'x' },
          { show, bundledHtml: '', setTimer: () => 0, clearTimer: () => undefined, onRefused: () => undefined },
        ),
    ).toThrow(/must be https/);
    expect(show).not.toHaveBeenCalled();
  });
});

describe("the hosted window's end of the channel", () => {
  function stubWindow() {
    const posted: { message: unknown; origin: string }[] = [];
    const listeners = new Set<(e: { data: unknown; origin?: string; source?: unknown }) => void>();
    const parent = { postMessage: (message: unknown, origin: string) => posted.push({ message, origin }) };
    const win: MessageWindow = {
      parent,
      addEventListener: (_t, l) => listeners.add(l),
      removeEventListener: (_t, l) => listeners.delete(l),
    };
    const deliver = (data: unknown, origin: string, source: unknown = parent) => listeners.forEach((l) => l({ data, origin, source }));
    return { win, posted, deliver, parent };
  }

  it('posts to Figma with the plugin id, and reads only its parent at that origin', () => {
    const { win, posted, deliver } = stubWindow();
    const refused: string[] = [];
    const transport = iframeTransport(win, { pluginId: 'p1', parentOrigin: FIGMA_ORIGIN, onRefused: (r) => refused.push(r) });
    const heard: unknown[] = [];
    transport.subscribe((m) => heard.push(m));
    transport.post({ hello: 1 });
    expect(posted).toEqual([{ message: { pluginMessage: { hello: 1 }, pluginId: 'p1' }, origin: FIGMA_ORIGIN }]);
    deliver({ pluginMessage: 'from figma' }, FIGMA_ORIGIN);
    deliver({ pluginMessage: 'from elsewhere' }, 'https://evil.example');
    deliver({ pluginMessage: 'from a sibling' }, FIGMA_ORIGIN, {});
    deliver({ unrelated: true }, 'https://evil.example');
    expect(heard).toEqual(['from figma']);
    expect(refused).toEqual(['a message from "https://evil.example"', `a message from "${FIGMA_ORIGIN}" (not the parent window)`]);
  });

  it('the built-in window posts to any origin and reads every plugin message', () => {
    const { win, posted, deliver } = stubWindow();
    const transport = iframeTransport(win);
    const heard: unknown[] = [];
    transport.subscribe((m) => heard.push(m));
    transport.post(1);
    deliver({ pluginMessage: 2 }, 'null');
    expect(posted).toEqual([{ message: { pluginMessage: 1 }, origin: '*' }]);
    expect(heard).toEqual([2]);
  });

  it('reads its settings from the URL fragment', () => {
    expect(hostedWindowFromHash('#pluginId=123')).toEqual({ pluginId: '123', parentOrigin: FIGMA_ORIGIN });
    expect(hostedWindowFromHash('#pluginId=1&parentOrigin=http%3A%2F%2F127.0.0.1%3A5173')).toEqual({
      pluginId: '1',
      parentOrigin: 'http://127.0.0.1:5173',
    });
    expect(hostedWindowFromHash('')).toBeNull();
    expect(hostedWindowFromHash('#pluginId=1&parentOrigin=https%3A%2F%2Fa.example%2Fpath')).toBeNull();
  });
});
