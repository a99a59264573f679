// One side of the sandbox/iframe conversation: typed emit/on over a message map, every
// arriving message validated, replies matched to requests by id. Nothing happens on
// import; connect() attaches the listener (create-figma-plugin's events rewire onmessage
// as a side effect of importing them).

import { ProtocolError, type Schema } from './schema.ts';

export const PROTOCOL_VERSION = 1;

/** Moves raw messages; knows nothing of their shape. */
export interface Transport {
  post(message: unknown): void;
  /** Calls handler for every message that arrives; returns an unsubscribe function. */
  subscribe(handler: (message: unknown) => void): () => void;
}

export type MessageMap = Record<string, { request: unknown; response: unknown }>;
export type SchemaMap = Record<string, { request: Schema<unknown>; response: Schema<unknown> }>;
/** The message map type a schema table describes. */
export type MapOf<S extends SchemaMap> = {
  [K in keyof S]: { request: ReturnType<S[K]['request']>; response: ReturnType<S[K]['response']> };
};

export type RequestMessage<M extends MessageMap> = {
  [K in keyof M & string]: { v: number; kind: 'request'; id: number; type: K; payload: M[K]['request'] };
}[keyof M & string];
export type ResponseMessage<M extends MessageMap> = {
  [K in keyof M & string]:
    | { v: number; kind: 'response'; id: number; type: K; ok: true; payload: M[K]['response'] }
    | { v: number; kind: 'response'; id: number; type: K; ok: false; error: string };
}[keyof M & string];

/** The other side ran the handler and it failed; message is theirs. */
export class RemoteError extends Error {
  override name = 'RemoteError';
}

export interface EndpointOptions {
  /** Rejects a request with no reply after this long; default 60 s, 0 = never. */
  timeoutMs?: number;
  /** Messages that could not be accepted (bad shape, wrong version, stale reply). Default: console.warn. */
  onReject?: (error: ProtocolError, raw: unknown) => void;
}

/** Handlers of messages with an empty reply may return nothing. */
type HandlerResult<R> = R extends Record<string, never> ? R | void : R;

export interface Endpoint<In extends MessageMap, Out extends MessageMap> {
  /** The single handler for one incoming message type; its result (or throw) is the reply. */
  on<K extends keyof In & string>(
    type: K,
    handler: (payload: In[K]['request']) => HandlerResult<In[K]['response']> | Promise<HandlerResult<In[K]['response']>>,
  ): () => void;
  /** Sends a request; resolves with the validated reply. */
  emit<K extends keyof Out & string>(type: K, payload: Out[K]['request'], opts?: { timeoutMs?: number }): Promise<Out[K]['response']>;
  /** Attaches to the transport; returns a function that detaches and rejects pending requests. */
  connect(): () => void;
}

const MAX_ID = 2 ** 31 - 1;

interface Pending {
  type: string;
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Checks the envelope: object, version, kind, id, type. Returns it loosely typed. */
function readEnvelope(raw: unknown): { kind: 'request' | 'response'; id: number; type: string; rec: Record<string, unknown> } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ProtocolError('message: expected an object');
  const rec = raw as Record<string, unknown>;
  if (rec.v !== PROTOCOL_VERSION) throw new ProtocolError(`message: protocol version ${JSON.stringify(rec.v)}, expected ${PROTOCOL_VERSION}`);
  if (rec.kind !== 'request' && rec.kind !== 'response') throw new ProtocolError(`message: unknown kind ${JSON.stringify(rec.kind)}`);
  if (typeof rec.id !== 'number' || !Number.isInteger(rec.id) || rec.id < 1 || rec.id > MAX_ID) {
    throw new ProtocolError(`message: id must be an integer in [1, ${MAX_ID}], got ${JSON.stringify(rec.id)}`);
  }
  if (typeof rec.type !== 'string') throw new ProtocolError('message: type must be a string');
  return { kind: rec.kind, id: rec.id, type: rec.type, rec };
}

function checkKeys(rec: Record<string, unknown>, allowed: string[]): void {
  for (const key of Object.keys(rec)) if (!allowed.includes(key)) throw new ProtocolError(`message: unexpected field "${key}"`);
}

export function createEndpoint<In extends MessageMap, Out extends MessageMap>(
  spec: { receives: SchemaMap; sends: SchemaMap },
  transport: Transport,
  options: EndpointOptions = {},
): Endpoint<In, Out> {
  const handlers = new Map<string, (payload: unknown) => unknown>();
  const pending = new Map<number, Pending>();
  const onReject = options.onReject ?? ((e: ProtocolError) => console.warn(`[sketchify] rejected message: ${e.message}`));
  const has = (map: SchemaMap, type: string) => Object.prototype.hasOwnProperty.call(map, type);
  let nextId = 1;

  function reply(id: number, type: string, result: { ok: true; payload: unknown } | { ok: false; error: string }): void {
    transport.post({ v: PROTOCOL_VERSION, kind: 'response', id, type, ...result });
  }

  async function handleRequest(id: number, type: string, rec: Record<string, unknown>): Promise<void> {
    let payload: unknown;
    try {
      checkKeys(rec, ['v', 'kind', 'id', 'type', 'payload']);
      if (!has(spec.receives, type)) throw new ProtocolError(`message: unknown type ${JSON.stringify(type)}`);
      payload = spec.receives[type].request(rec.payload, 'payload');
    } catch (e) {
      onReject(e as ProtocolError, rec);
      reply(id, type, { ok: false, error: (e as Error).message });
      return;
    }
    const handler = handlers.get(type);
    if (!handler) return reply(id, type, { ok: false, error: `no handler for "${type}"` });
    try {
      const result = await handler(payload);
      reply(id, type, { ok: true, payload: spec.receives[type].response(result ?? {}, 'reply') });
    } catch (e) {
      reply(id, type, { ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }

  function handleResponse(id: number, type: string, rec: Record<string, unknown>): void {
    const waiting = pending.get(id);
    if (!waiting) throw new ProtocolError(`message: reply to unknown request id ${id}`);
    if (waiting.type !== type) throw new ProtocolError(`message: reply of type "${type}" to a "${waiting.type}" request`);
    pending.delete(id);
    if (waiting.timer !== undefined) clearTimeout(waiting.timer);
    try {
      if (rec.ok === true) {
        checkKeys(rec, ['v', 'kind', 'id', 'type', 'ok', 'payload']);
        waiting.resolve(spec.sends[type].response(rec.payload, 'payload'));
      } else if (rec.ok === false) {
        checkKeys(rec, ['v', 'kind', 'id', 'type', 'ok', 'error']);
        if (typeof rec.error !== 'string') throw new ProtocolError('message: error must be a string');
        waiting.reject(new RemoteError(rec.error.slice(0, 1000)));
      } else {
        throw new ProtocolError('message: ok must be a boolean');
      }
    } catch (e) {
      waiting.reject(e as Error);
      throw e;
    }
  }

  function receive(raw: unknown): void {
    let envelope: ReturnType<typeof readEnvelope>;
    try {
      envelope = readEnvelope(raw);
      if (envelope.kind === 'response') handleResponse(envelope.id, envelope.type, envelope.rec);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      onReject(e, raw);
      return;
    }
    if (envelope.kind === 'request') void handleRequest(envelope.id, envelope.type, envelope.rec);
  }

  return {
    on(type, handler) {
      if (!has(spec.receives, type)) throw new Error(`"${type}" is not a message this side receives`);
      if (handlers.has(type)) throw new Error(`a handler for "${type}" is already registered`);
      handlers.set(type, handler as (payload: unknown) => unknown);
      return () => handlers.delete(type);
    },
    emit(type, payload, opts) {
      return new Promise((resolve, reject) => {
        if (!has(spec.sends, type)) throw new Error(`"${type}" is not a message this side sends`);
        const checked = spec.sends[type].request(payload, 'payload');
        const id = nextId;
        nextId = nextId >= MAX_ID ? 1 : nextId + 1;
        const timeoutMs = opts?.timeoutMs ?? options.timeoutMs ?? 60_000;
        const timer =
          timeoutMs > 0
            ? setTimeout(() => {
                pending.delete(id);
                reject(new ProtocolError(`no reply to "${type}" within ${timeoutMs} ms`));
              }, timeoutMs)
            : undefined;
        pending.set(id, { type, resolve: resolve as (v: unknown) => void, reject, timer });
        transport.post({ v: PROTOCOL_VERSION, kind: 'request', id, type, payload: checked });
      });
    },
    connect() {
      const unsubscribe = transport.subscribe(receive);
      return () => {
        unsubscribe();
        for (const [id, p] of pending) {
          if (p.timer !== undefined) clearTimeout(p.timer);
          p.reject(new ProtocolError(`disconnected before the reply to "${p.type}"`));
          pending.delete(id);
        }
      };
    },
  };
}
