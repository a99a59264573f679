import { describe, expect, it, vi } from 'vitest';
import {
  createPluginEndpoint,
  createUiEndpoint,
  PLUGIN_PROTOCOL,
  RemoteError,
  type InsertSketchRequest,
  type SelectionState,
  type Transport,
} from '../../src/common/protocol.ts';
import { MAX_IMAGE_BYTES, MAX_STROKES } from '../../src/common/limits.ts';
import { iframeTransport, type MessageWindow } from '../../src/common/iframe-transport.ts';
import type { ProtocolError } from '../../src/common/rpc/schema.ts';

/** Two transports wired to each other; delivery is async like postMessage. */
function memoryPair(): { a: Transport; b: Transport; sentByA: unknown[]; sentByB: unknown[] } {
  const listeners = { a: new Set<(m: unknown) => void>(), b: new Set<(m: unknown) => void>() };
  const sentByA: unknown[] = [];
  const sentByB: unknown[] = [];
  const make = (self: 'a' | 'b', log: unknown[]): Transport => ({
    post(message) {
      log.push(message);
      const other = self === 'a' ? listeners.b : listeners.a;
      queueMicrotask(() => other.forEach((h) => h(structuredClone(message))));
    },
    subscribe(handler) {
      listeners[self].add(handler);
      return () => listeners[self].delete(handler);
    },
  });
  return { a: make('a', sentByA), b: make('b', sentByB), sentByA, sentByB };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function validInsert(): InsertSketchRequest {
  return {
    nodeId: '1:2',
    canvasSize: 224,
    color: { r: 0, g: 0, b: 0 },
    layout: 'per-stroke',
    placement: 'over',
    sketch: { strokes: [[0, 0, 0.3, 0.1, 0.6, 0.2, 1, 1]], width: 3 },
  };
}

function validSelection(): SelectionState {
  return {
    status: 'ready',
    source: {
      nodeId: '1:2',
      nodeName: 'Photo',
      bytes: new Uint8Array([137, 80, 78, 71]),
      imageWidth: 640,
      imageHeight: 480,
      nodeWidth: 320,
      nodeHeight: 240,
      paint: { scaleMode: 'FILL', rotation: 0, scalingFactor: 1 },
      subjectWidth: 320,
      subjectHeight: 240,
      unitToImage: [640, 0, 0, 0, 480, 0],
    },
    queue: { index: 0, items: [{ nodeId: '1:2', name: 'Photo' }] },
  };
}

describe('protocol round trips', () => {
  it('answers a request with the handler result, matched by id', async () => {
    const { a, b } = memoryPair();
    const plugin = createPluginEndpoint(a);
    const ui = createUiEndpoint(b);
    plugin.connect();
    ui.connect();
    plugin.on('insertSketch', async (req) => {
      await flush();
      return { nodeId: `g-${req.sketch.strokes.length}`, vectorCount: req.sketch.strokes.length };
    });
    plugin.on('insertSeries', (req) => ({ nodeId: 'series', vectorCount: req.sketches.length }));
    const one = ui.emit('insertSketch', validInsert());
    const { sketch, ...options } = validInsert();
    const two = ui.emit('insertSeries', { ...options, sketches: [sketch, sketch] });
    // The slower handler answers last; ids keep the replies apart.
    expect(await two).toEqual({ nodeId: 'series', vectorCount: 2 });
    expect(await one).toEqual({ nodeId: 'g-1', vectorCount: 1 });
  });

  it('carries image bytes as a Uint8Array sandbox -> UI', async () => {
    const { a, b } = memoryPair();
    const plugin = createPluginEndpoint(a);
    const ui = createUiEndpoint(b);
    plugin.connect();
    ui.connect();
    const got = new Promise<SelectionState>((resolve) => ui.on('selection', (s) => resolve(s)));
    await plugin.emit('selection', validSelection());
    const s = await got;
    expect(s.status).toBe('ready');
    if (s.status === 'ready') expect(Array.from(s.source.bytes)).toEqual([137, 80, 78, 71]);
  });

  it('turns a handler failure into a RemoteError with its message', async () => {
    const { a, b } = memoryPair();
    const plugin = createPluginEndpoint(a);
    const ui = createUiEndpoint(b);
    plugin.connect();
    ui.connect();
    plugin.on('insertSketch', () => {
      throw new Error('The image was deleted');
    });
    const error = await ui.emit('insertSketch', validInsert()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ name: 'Error', message: 'The image was deleted' });
    await expect(ui.emit('close', {})).rejects.toThrow('no handler for "close"');
  });

  it('attaches nothing before connect() and detaches on disconnect', async () => {
    const { a, b, sentByA } = memoryPair();
    const plugin = createPluginEndpoint(a);
    const ui = createUiEndpoint(b, { timeoutMs: 0 });
    plugin.on('close', () => undefined);
    ui.connect();
    const unanswered = ui.emit('close', {});
    await flush();
    expect(sentByA).toEqual([]); // the plugin never heard it
    const disconnect = ui.connect();
    const pending = ui.emit('close', {});
    disconnect();
    await expect(pending).rejects.toThrow('disconnected before the reply to "close"');
    void unanswered.catch(() => undefined);
  });

  it('times out a request nobody answers', async () => {
    vi.useFakeTimers();
    try {
      const { b } = memoryPair();
      const ui = createUiEndpoint(b, { timeoutMs: 1000 });
      ui.connect();
      const p = ui.emit('ready', {});
      vi.advanceTimersByTime(1001);
      await expect(p).rejects.toThrow('no reply to "ready" within 1000 ms');
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses to send an invalid payload (the sender checks too)', async () => {
    const { b, sentByB } = memoryPair();
    const ui = createUiEndpoint(b);
    const bad = validInsert();
    bad.sketch.strokes[0][2] = Number.NaN;
    await expect(ui.emit('insertSketch', bad)).rejects.toThrow('payload.sketch.strokes[0][2]: not finite (NaN)');
    expect(sentByB).toEqual([]);
  });

  it('iframe transport wraps and unwraps pluginMessage and ignores foreign traffic', () => {
    const posted: unknown[] = [];
    let listener: ((e: { data: unknown }) => void) | undefined;
    const win: MessageWindow = {
      parent: { postMessage: (m, origin) => posted.push([m, origin]) },
      addEventListener: (_t, l) => (listener = l),
      removeEventListener: () => (listener = undefined),
    };
    const t = iframeTransport(win);
    const got: unknown[] = [];
    const off = t.subscribe((m) => got.push(m));
    t.post({ x: 1 });
    listener!({ data: { pluginMessage: { y: 2 }, pluginId: '123' } });
    listener!({ data: 'devtools noise' });
    listener!({ data: null });
    off();
    expect(listener).toBeUndefined();
    expect(posted).toEqual([[{ pluginMessage: { x: 1 } }, '*']]);
    expect(got).toEqual([{ y: 2 }]);
  });
});

/** Sends one raw message to a connected plugin endpoint; returns the rejection and the reply it posted. */
async function sendRawToPlugin(raw: unknown): Promise<{ rejection?: string; reply?: Record<string, unknown>; handled: boolean }> {
  const { a, b, sentByA } = memoryPair();
  let rejection: string | undefined;
  let handled = false;
  const plugin = createPluginEndpoint(a, { onReject: (e: ProtocolError) => (rejection = e.message) });
  plugin.on('insertSketch', () => {
    handled = true;
    return { nodeId: 'g', vectorCount: 1 };
  });
  plugin.connect();
  b.post(raw);
  await flush();
  return { rejection, reply: sentByA[0] as Record<string, unknown> | undefined, handled };
}

function request(payload: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { proto: PLUGIN_PROTOCOL, kind: 'request', id: 7, type: 'insertSketch', payload, ...overrides };
}

function refine(patch: object): Record<string, unknown> {
  const payload = {
    groupId: '3:4',
    stateKey: 'abc',
    strokes: [[0, 0, 0, 0, 1, 1, 1, 1]],
    origin: [0],
    color: { r: 0, g: 0, b: 0 },
    ...patch,
  };
  return request(payload, { type: 'refineSketch' });
}

function withStroke(stroke: unknown[]): InsertSketchRequest {
  const m = validInsert();
  m.sketch.strokes = [stroke as number[]];
  return m;
}

describe('the receiving side rejects', () => {
  const manyStrokes = validInsert();
  manyStrokes.sketch.strokes = Array.from({ length: MAX_STROKES + 1 }, () => [0, 0, 0, 0, 1, 1, 1, 1]);
  const noStrokes = validInsert();
  noStrokes.sketch.strokes = [];

  const cases: [string, unknown, string][] = [
    ['NaN coordinate', request(withStroke([0, 0, NaN, 0, 1, 1, 1, 1])), 'payload.sketch.strokes[0][2]: not finite (NaN)'],
    ['Infinity', request(withStroke([0, 0, 0, Infinity, 1, 1, 1, 1])), 'payload.sketch.strokes[0][3]: not finite (Infinity)'],
    ['absurd 1e9', request(withStroke([0, 0, 0, 0, 1e9, 1, 1, 1])), 'payload.sketch.strokes[0][4]: 1000000000 outside [-100, 100]'],
    ['string coordinate', request(withStroke([0, 0, 0, 0, 1, '1', 1, 1])), 'payload.sketch.strokes[0][5]: expected a number, got string'],
    ['7 numbers', request(withStroke([0, 0, 0, 0, 1, 1, 1])), 'payload.sketch.strokes[0]: expected exactly 8 items, got 7'],
    ['9 numbers', request(withStroke([0, 0, 0, 0, 1, 1, 1, 1, 1])), 'payload.sketch.strokes[0]: expected exactly 8 items, got 9'],
    ['too many strokes', request(manyStrokes), `payload.sketch.strokes: ${MAX_STROKES + 1} items exceeds the limit of ${MAX_STROKES}`],
    ['no strokes', request(noStrokes), 'payload.sketch.strokes: 0 items is fewer than 1'],
    ['missing field', request({ ...validInsert(), color: undefined }), 'payload.color: missing'],
    ['extra field', request({ ...validInsert(), script: 'x' }), 'payload: unexpected field "script"'],
    ['bad enum', request({ ...validInsert(), placement: 'under' }), 'payload.placement: expected one of "over", "beside", got "under"'],
    ['colour out of range', request({ ...validInsert(), color: { r: 2, g: 0, b: 0 } }), 'payload.color.r: 2 outside [0, 1]'],
    [
      'zero width',
      request({ ...validInsert(), sketch: { ...validInsert().sketch, width: 0 } }),
      'payload.sketch.width: 0 outside [0.01, 64]',
    ],
    ['unknown type', request({}, { type: 'deleteEverything' }), 'message: unknown type "deleteEverything"'],
    [
      'wrong version',
      request(validInsert(), { proto: 'sketchify-plugin/2' }),
      'message: protocol "sketchify-plugin/2", expected "sketchify-plugin/1"',
    ],
    ['unknown kind', request(validInsert(), { kind: 'broadcast' }), 'message: unknown kind "broadcast"'],
    ['extra envelope field', request(validInsert(), { extra: 1 }), 'message: unexpected field "extra"'],
    ['payload not an object', request([1, 2]), 'payload: expected an object, got array'],
    ['refine: origin below -1', refine({ origin: [-2] }), 'payload.origin[0]: -2 outside [-1, 127]'],
    ['refine: fractional origin', refine({ origin: [0.5] }), 'payload.origin[0]: expected an integer, got 0.5'],
    ['refine: no origin', refine({ origin: [] }), 'payload.origin: 0 items is fewer than 1'],
    ['refine: empty state key', refine({ stateKey: '' }), 'payload.stateKey: string shorter than 1 characters'],
    ['refine: absurd coordinate', refine({ strokes: [[0, 0, 0, 0, 1, 1, 1, 500]] }), 'payload.strokes[0][7]: 500 outside [-100, 100]'],
  ];

  it.each(cases)('%s', async (_name, raw, message) => {
    const { rejection, reply, handled } = await sendRawToPlugin(raw);
    expect(rejection).toBe(message);
    expect(handled).toBe(false);
    // A request of this protocol gets a specific error reply (one wire error) so the UI can show it.
    const ours = (raw as { kind?: string }).kind === 'request' && (raw as { proto?: string }).proto === PLUGIN_PROTOCOL;
    if (ours)
      expect(reply).toEqual({
        proto: PLUGIN_PROTOCOL,
        kind: 'response',
        id: 7,
        type: (raw as { type: string }).type,
        ok: false,
        error: { name: 'ProtocolError', message },
      });
    else expect(reply).toBeUndefined();
  });

  const envelopeCases: [string, unknown, string][] = [
    [
      'missing protocol',
      { kind: 'request', id: 1, type: 'close', payload: {} },
      'message: protocol undefined, expected "sketchify-plugin/1"',
    ],
    ['not an object', 'hello', 'message: expected an object'],
    ['null', null, 'message: expected an object'],
    [
      'reply nobody asked for',
      { proto: PLUGIN_PROTOCOL, kind: 'response', id: 99, type: 'selection', ok: true, payload: {} },
      'message: reply to unknown request id 99',
    ],
  ];
  it.each(envelopeCases)('%s (no reply possible)', async (_name, raw, message) => {
    const { rejection, reply, handled } = await sendRawToPlugin(raw);
    expect(rejection).toBe(message);
    expect(reply).toBeUndefined();
    expect(handled).toBe(false);
  });

  it('answers a request whose id cannot be read with id null', async () => {
    const { rejection, reply, handled } = await sendRawToPlugin(request(validInsert(), { id: 1.5 }));
    const message = 'message: id must be an integer in [1, 2147483647], got 1.5';
    expect(rejection).toBe(message);
    expect(handled).toBe(false);
    expect(reply).toEqual({
      proto: PLUGIN_PROTOCOL,
      kind: 'response',
      id: null,
      type: 'insertSketch',
      ok: false,
      error: { name: 'ProtocolError', message },
    });
  });

  it('accepts the valid message the cases were made from', async () => {
    const { rejection, reply, handled } = await sendRawToPlugin(request(validInsert()));
    expect(rejection).toBeUndefined();
    expect(handled).toBe(true);
    expect(reply).toMatchObject({ ok: true, payload: { nodeId: 'g', vectorCount: 1 } });
  });
});

describe('the UI rejects bad selection messages', () => {
  async function sendToUi(payload: unknown): Promise<string | undefined> {
    const { a, b } = memoryPair();
    let rejection: string | undefined;
    const ui = createUiEndpoint(b, { onReject: (e) => (rejection = e.message) });
    ui.on('selection', () => undefined);
    ui.connect();
    a.post({ proto: PLUGIN_PROTOCOL, kind: 'request', id: 3, type: 'selection', payload });
    await flush();
    return rejection;
  }
  const sel = validSelection() as Extract<SelectionState, { status: 'ready' }>;
  const withSource = (patch: object) => ({ ...sel, source: { ...sel.source, ...patch } });
  const sketch = {
    status: 'refinable',
    groupId: '3:4',
    stateKey: 'k',
    strokes: [[0, 0, 0, 0, 1, 1, 1, 1]],
    frozen: [0],
    unitToImage: [640, 0, 0, 0, 480, 0],
    subjectWidth: 320,
    subjectHeight: 240,
    width: 3,
    canvasSize: 224,
    edited: 1,
    deleted: 0,
    extras: 0,
  };
  const withSketch = (patch: object) => ({ ...sel, sketch: { ...sketch, ...patch } });

  const cases: [string, unknown, string][] = [
    ['bytes as an array-like object', withSource({ bytes: { length: 3 } }), 'payload.source.bytes: expected a Uint8Array, got object'],
    ['bytes as a plain array', withSource({ bytes: [1, 2, 3] }), 'payload.source.bytes: expected a Uint8Array, got array'],
    ['image too wide', withSource({ imageWidth: 5000 }), 'payload.source.imageWidth: 5000 outside [16, 4096]'],
    ['fractional pixel size', withSource({ imageHeight: 480.5 }), 'payload.source.imageHeight: expected an integer, got 480.5'],
    ['affine of 5 numbers', withSource({ unitToImage: [1, 0, 0, 0, 1] }), 'payload.source.unitToImage: expected exactly 6 items, got 5'],
    ['NaN in affine', withSource({ unitToImage: [1, 0, NaN, 0, 1, 0] }), 'payload.source.unitToImage[2]: not finite (NaN)'],
    [
      'unknown scale mode',
      withSource({ paint: { ...sel.source.paint, scaleMode: 'STRETCH' } }),
      'payload.source.paint.scaleMode: expected one of "FILL", "FIT", "CROP", "TILE", got "STRETCH"',
    ],
    ['unknown status', { ...sel, status: 'maybe' }, 'payload.status: unknown status "maybe"'],
    [
      'refinable sketch with a frozen index past the limit',
      withSketch({ frozen: [MAX_STROKES] }),
      `payload.sketch.frozen[0]: ${MAX_STROKES} outside [0, ${MAX_STROKES - 1}]`,
    ],
    ['refinable sketch without strokes', withSketch({ strokes: [] }), 'payload.sketch.strokes: 0 items is fewer than 1'],
    [
      'refinable sketch with a stroke of 6 numbers',
      withSketch({ strokes: [[0, 0, 1, 1, 2, 2]] }),
      'payload.sketch.strokes[0]: expected exactly 8 items, got 6',
    ],
    ['unknown sketch status', { ...sel, sketch: { status: 'maybe' } }, 'payload.sketch.status: unknown status "maybe"'],
    [
      'unknown problem code',
      { status: 'problem', code: 'sad', message: 'x', queue: sel.queue },
      'payload.code: expected one of "nothing-selected", "no-image", "hidden", "too-large", "too-small", "unavailable", "source-missing", got "sad"',
    ],
  ];
  it.each(cases)('%s', async (_name, payload, message) => {
    expect(await sendToUi(payload)).toBe(message);
  });

  it('accepts a refinable and an unrefinable sketch', async () => {
    expect(await sendToUi(withSketch({}))).toBeUndefined();
    expect(
      await sendToUi({ ...sel, sketch: { status: 'unrefinable', groupId: '3:4', message: 'edited beyond recognition' } }),
    ).toBeUndefined();
  });

  it('rejects bytes over the cap', async () => {
    // A real oversize array: the cap is checked on byteLength.
    const big = withSource({ bytes: new Uint8Array(MAX_IMAGE_BYTES + 1) });
    expect(await sendToUi(big)).toBe(`payload.source.bytes: ${MAX_IMAGE_BYTES + 1} bytes exceeds the limit of ${MAX_IMAGE_BYTES}`);
  });
});
