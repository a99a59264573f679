// The one RPC layer (src/common/rpc) on its own, with a small protocol of its own: every
// message is checked on arrival (a malformed one is logged and, where it asked something,
// answered with a wire error), errors cross as one WireError and come back as RemoteErrors
// with their name and fields, and buffers named for transfer are moved, not copied.
import { afterEach, describe, expect, it } from 'vitest';
import { createEndpoint, transferring, type Endpoint, type MapOf, type Transport } from '../../src/common/rpc/endpoint.ts';
import { portTransport } from '../../src/common/rpc/port-transport.ts';
import { empty, float32, num, object, str, type ProtocolError } from '../../src/common/rpc/schema.ts';
import { fromWireError, RemoteError, toWireError, wireErrorSchema } from '../../src/common/rpc/wire-error.ts';

const PROTOCOL = 'test-rpc/1';
const ASKS = {
  double: { request: object({ values: float32({ max: 1 << 20 }) }), response: object({ values: float32({ max: 1 << 20 }) }) },
  fetchModel: { request: object({ model: str({ max: 50 }) }), response: empty },
};
const TELLS = {
  progress: { event: object({ done: num({ min: 0, max: 1 }) }) },
};
type Asks = MapOf<typeof ASKS>;
type Tells = MapOf<typeof TELLS>;

/** Two transports wired to each other; delivery is async and cloned, like postMessage. */
function memoryPair(): { a: Transport; b: Transport; sentByA: unknown[]; sentByB: unknown[]; unreadable: { a?: () => void } } {
  const listeners = { a: new Set<(m: unknown) => void>(), b: new Set<(m: unknown) => void>() };
  const sent = { a: [] as unknown[], b: [] as unknown[] };
  const unreadable: { a?: () => void } = {};
  const make = (self: 'a' | 'b'): Transport => ({
    post(message) {
      sent[self].push(message);
      const other = self === 'a' ? listeners.b : listeners.a;
      queueMicrotask(() => other.forEach((h) => h(structuredClone(message))));
    },
    subscribe(handler, onUnreadable) {
      listeners[self].add(handler);
      if (self === 'a') unreadable.a = onUnreadable;
      return () => listeners[self].delete(handler);
    },
  });
  return { a: make('a'), b: make('b'), sentByA: sent.a, sentByB: sent.b, unreadable };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

/** `server` answers ASKS and tells TELLS; `client` is the other side. Rejections are collected. */
function pair(transports: { a: Transport; b: Transport }) {
  const rejected = { server: [] as string[], client: [] as string[] };
  const server: Endpoint<Asks, Tells> = createEndpoint({ protocol: PROTOCOL, receives: ASKS, sends: TELLS }, transports.a, {
    onReject: (e: ProtocolError) => rejected.server.push(e.message),
  });
  const client: Endpoint<Tells, Asks> = createEndpoint({ protocol: PROTOCOL, receives: TELLS, sends: ASKS }, transports.b, {
    onReject: (e: ProtocolError) => rejected.client.push(e.message),
  });
  server.connect();
  client.connect();
  return { server, client, rejected };
}

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});
function channel(): MessageChannel {
  const c = new MessageChannel();
  channels.push(c);
  return c;
}

describe('checks on arrival', () => {
  it('answers a malformed request with a wire error it also logs, without calling the handler', async () => {
    const t = memoryPair();
    const { server, rejected } = pair(t);
    let called = false;
    server.on('double', ({ values }) => ((called = true), { values }));
    t.b.post({ proto: PROTOCOL, kind: 'request', id: 4, type: 'double', payload: { values: [1, 2] } });
    await flush();
    expect(called).toBe(false);
    expect(rejected.server).toEqual(['payload.values: expected a Float32Array, got array']);
    expect(t.sentByA).toEqual([
      {
        proto: PROTOCOL,
        kind: 'response',
        id: 4,
        type: 'double',
        ok: false,
        error: { name: 'ProtocolError', message: 'payload.values: expected a Float32Array, got array' },
      },
    ]);
  });

  it('rejects the call a malformed reply answers, and logs it', async () => {
    const t = memoryPair();
    const rejected: string[] = [];
    const client: Endpoint<Tells, Asks> = createEndpoint({ protocol: PROTOCOL, receives: TELLS, sends: ASKS }, t.b, {
      onReject: (e) => rejected.push(e.message),
    });
    client.connect();
    t.a.subscribe((m) => {
      const { id, type } = m as { id: number; type: string };
      t.a.post({ proto: PROTOCOL, kind: 'response', id, type, ok: true, payload: { values: new Float64Array(2) } });
    });
    await expect(client.emit('double', { values: new Float32Array(2) })).rejects.toThrow(
      'payload.values: expected a Float32Array, got object',
    );
    expect(rejected).toEqual(['payload.values: expected a Float32Array, got object']);
  });

  it('logs a malformed event and does not deliver it; delivers a good one', async () => {
    const t = memoryPair();
    const { client, rejected } = pair(t);
    const heard: number[] = [];
    client.on('progress', ({ done }) => void heard.push(done));
    t.a.post({ proto: PROTOCOL, kind: 'event', type: 'progress', payload: { done: 2 } });
    t.a.post({ proto: PROTOCOL, kind: 'event', type: 'progress', payload: { done: 0.5 }, id: 3 });
    t.a.post({ proto: PROTOCOL, kind: 'event', type: 'progress', payload: { done: 0.25 } });
    await flush();
    expect(heard).toEqual([0.25]);
    expect(rejected.client).toEqual(['payload.done: 2 outside [0, 1]', 'message: unexpected field "id"']);
  });

  it('sends events checked, and refuses to send a malformed one', async () => {
    const t = memoryPair();
    const { server, client } = pair(t);
    const heard: number[] = [];
    client.on('progress', ({ done }) => void heard.push(done));
    server.notify('progress', { done: 1 });
    expect(() => server.notify('progress', { done: Number.NaN })).toThrow('payload.done: not finite (NaN)');
    await flush();
    expect(heard).toEqual([1]);
    expect(t.sentByA).toHaveLength(1);
  });

  it('logs messages of another protocol and answers nothing', async () => {
    const t = memoryPair();
    const { rejected } = pair(t);
    t.b.post({ proto: 'other/1', kind: 'request', id: 1, type: 'double', payload: {} });
    t.b.post({ kind: 'request', id: 2, type: 'double', payload: {} });
    await flush();
    expect(rejected.server).toEqual([
      'message: protocol "other/1", expected "test-rpc/1"',
      'message: protocol undefined, expected "test-rpc/1"',
    ]);
    expect(t.sentByA).toEqual([]);
  });

  it('rejects every pending call when a message cannot be deserialized (its reply may be any of them)', async () => {
    const t = memoryPair();
    const rejected: string[] = [];
    const client: Endpoint<Tells, Asks> = createEndpoint({ protocol: PROTOCOL, receives: TELLS, sends: ASKS }, t.a, {
      onReject: (e) => rejected.push(e.message),
      timeoutMs: 0,
    });
    client.connect();
    const calls = [client.emit('fetchModel', { model: 'a' }), client.emit('fetchModel', { model: 'b' })];
    t.unreadable.a!();
    for (const call of calls) await expect(call).rejects.toThrow('message: a message could not be deserialized');
    expect(rejected).toEqual(['message: a message could not be deserialized']);
  });
});

describe('errors cross as one wire type', () => {
  class DownloadError extends Error {
    override name = 'DownloadError';
    constructor(
      message: string,
      readonly kind: string,
      readonly status?: number,
      readonly host?: string,
    ) {
      super(message);
    }
  }

  it('a thrown error arrives as a RemoteError with its name, message and plain fields', async () => {
    const t = memoryPair();
    const { server, client } = pair(t);
    server.on('fetchModel', () => {
      throw Object.assign(new DownloadError('HTTP 503', 'http', 503, 'huggingface.co'), { detail: { nested: true } });
    });
    const error = await client.emit('fetchModel', { model: 'rn50' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ name: 'DownloadError', message: 'HTTP 503', kind: 'http', status: 503, host: 'huggingface.co' });
    expect((error as { detail?: unknown }).detail).toBeUndefined(); // not a plain value: left behind
    expect((t.sentByA[0] as { error: unknown }).error).toEqual({
      name: 'DownloadError',
      message: 'HTTP 503',
      fields: { kind: 'http', status: 503, host: 'huggingface.co' },
    });
  });

  it('anything thrown becomes a wire error; a rebuilt error crosses again unchanged', () => {
    expect(toWireError('plain text')).toEqual({ name: 'Error', message: 'plain text' });
    expect(toWireError(new RangeError('bad'))).toEqual({ name: 'RangeError', message: 'bad' });
    expect(toWireError({ name: 'AbortError', message: 'The download was cancelled.' })).toEqual({
      name: 'AbortError',
      message: 'The download was cancelled.',
    });
    const wire = { name: 'DownloadError', message: 'blocked', fields: { kind: 'blocked', host: 'cdn.example' } };
    expect(toWireError(fromWireError(wire))).toEqual(wire);
    // Fields never overwrite what the error is.
    expect(fromWireError({ name: 'E', message: 'm', fields: { name: 'X', message: 'Y' } })).toMatchObject({ name: 'E', message: 'm' });
    expect(toWireError(new Error('x'.repeat(20_000))).message).toHaveLength(10_000);
  });

  it('a reply with a malformed wire error rejects the call with the reason', async () => {
    const t = memoryPair();
    const client: Endpoint<Tells, Asks> = createEndpoint({ protocol: PROTOCOL, receives: TELLS, sends: ASKS }, t.b, {
      onReject: () => undefined,
    });
    client.connect();
    t.a.subscribe((m) =>
      t.a.post({ proto: PROTOCOL, kind: 'response', id: (m as { id: number }).id, type: 'fetchModel', ok: false, error: 'it broke' }),
    );
    await expect(client.emit('fetchModel', { model: 'a' })).rejects.toThrow('error: expected an object, got string');
    expect(() => wireErrorSchema({ name: 'E', message: 'm', fields: { a: { b: 1 } } }, 'error')).toThrow(
      'error.fields.a: expected a boolean, got object',
    );
  });

  it('a request whose id cannot be read is answered with id null: every pending call is rejected', async () => {
    const t = memoryPair();
    const { server, client, rejected } = pair(t);
    server.on('fetchModel', () => new Promise<void>(() => undefined)); // never answers
    const pending = client.emit('fetchModel', { model: 'a' });
    t.b.post({ proto: PROTOCOL, kind: 'request', id: -1, type: 'fetchModel', payload: { model: 'b' } });
    await expect(pending).rejects.toMatchObject({
      name: 'ProtocolError',
      message: 'message: id must be an integer in [1, 2147483647], got -1',
    });
    expect(rejected.server).toEqual(['message: id must be an integer in [1, 2147483647], got -1']);
  });

  it('fail() rejects pending and later calls; replies that arrive after it are dropped quietly', async () => {
    const t = memoryPair();
    const { server, client, rejected } = pair(t);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    server.on('fetchModel', () => held);
    const pending = client.emit('fetchModel', { model: 'a' });
    const gone = new Error('the worker crashed');
    client.fail(gone);
    await expect(pending).rejects.toBe(gone);
    await expect(client.emit('fetchModel', { model: 'b' })).rejects.toBe(gone);
    release();
    await flush();
    expect(rejected.client).toEqual([]);
  });
});

describe('transferables', () => {
  it('moves the buffers the sender names, both ways, and copies the others', async () => {
    const { port1, port2 } = channel();
    const server: Endpoint<Asks, Tells> = createEndpoint({ protocol: PROTOCOL, receives: ASKS, sends: TELLS }, portTransport(port1));
    const client: Endpoint<Tells, Asks> = createEndpoint({ protocol: PROTOCOL, receives: TELLS, sends: ASKS }, portTransport(port2));
    server.connect();
    client.connect();
    const kept: Float32Array[] = [];
    server.on('double', ({ values }) => {
      const out = values.map((v) => 2 * v);
      kept.push(values, out);
      return values[0] === 1 ? transferring({ values: out }, [out.buffer]) : { values: out };
    });

    const moved = new Float32Array([1, 2, 3]);
    const reply = await client.emit('double', { values: moved }, { transfer: [moved.buffer] });
    expect(Array.from(reply.values)).toEqual([2, 4, 6]);
    expect(moved.byteLength).toBe(0); // transferred: detached here
    expect(kept[1].byteLength).toBe(0); // the reply's buffer was transferred too

    const copied = new Float32Array([5, 6]);
    const again = await client.emit('double', { values: copied });
    expect(Array.from(again.values)).toEqual([10, 12]);
    expect(Array.from(copied)).toEqual([5, 6]); // not named: copied
    expect(kept[3].byteLength).toBe(8);
  });
});
