// One side of a conversation over a transport, the same on every boundary (sandbox/iframe,
// UI/engine worker, engine/loss worker): requests answered by replies matched by id, one-way
// events, every arriving message checked against the protocol's schema table (so is every
// outgoing one), and errors crossing as one WireError. Typed arrays travel as they are and are
// transferred where the sender says so. Nothing happens on import; connect() attaches the
// listener (create-figma-plugin's events rewire onmessage as a side effect of importing them).

import { ProtocolError, type Schema } from './schema.ts';
import { fromWireError, toWireError, wireErrorSchema, type WireError } from './wire-error.ts';

/** Moves raw messages; knows nothing of their shape. */
export interface Transport {
  /** `transfer`: buffers (or ports) moved, not copied, where the channel can. */
  post(message: unknown, transfer?: Transferable[]): void;
  /**
   * Calls handler for every message that arrives (and `unreadable` for one that could not be
   * deserialized, where the channel says so); returns an unsubscribe function.
   */
  subscribe(handler: (message: unknown) => void, unreadable?: () => void): () => void;
}

export type CallSchema = { request: Schema<unknown>; response: Schema<unknown> };
export type EventSchema = { event: Schema<unknown> };
/** A protocol's table for one direction: {name: {request, response}} or {name: {event}}. */
export type SchemaMap = Record<string, CallSchema | EventSchema>;
/** The message map type a schema table describes. */
export type MapOf<S extends SchemaMap> = {
  [K in keyof S]: S[K] extends CallSchema
    ? { request: ReturnType<S[K]['request']>; response: ReturnType<S[K]['response']> }
    : S[K] extends EventSchema
      ? { event: ReturnType<S[K]['event']> }
      : never;
};
export type MessageMap = Record<string, { request: unknown; response: unknown } | { event: unknown }>;

type CallName<M> = { [K in keyof M & string]: M[K] extends { request: unknown } ? K : never }[keyof M & string];
type EventName<M> = { [K in keyof M & string]: M[K] extends { event: unknown } ? K : never }[keyof M & string];
type RequestOf<E> = E extends { request: infer Q } ? Q : never;
type ResponseOf<E> = E extends { response: infer R } ? R : never;
type EventOf<E> = E extends { event: infer V } ? V : never;

/** A handler's reply together with the buffers to transfer (not copy) with it. */
export class Transferring<T> {
  constructor(
    readonly value: T,
    readonly transfer: Transferable[],
  ) {}
}
export const transferring = <T>(value: T, transfer: Transferable[]): Transferring<T> => new Transferring(value, transfer);

/** Handlers of messages with an empty reply may return nothing. */
type Reply<R> = R extends Record<string, never> ? R | void : R;
type Handler<E> = E extends { request: infer Q; response: infer R }
  ? (payload: Q) => Reply<R> | Transferring<Reply<R>> | Promise<Reply<R> | Transferring<Reply<R>>>
  : (payload: EventOf<E>) => void;

export interface EndpointOptions {
  /** Rejects a request with no reply after this long; default 60 s, 0 = never. */
  timeoutMs?: number;
  /** Messages that could not be accepted (bad shape, other protocol, stale reply). Default: console.warn. */
  onReject?: (error: ProtocolError, raw: unknown) => void;
}

export interface Endpoint<In extends MessageMap, Out extends MessageMap> {
  /** The single handler of one incoming request (its result or throw is the reply) or event. */
  on<K extends keyof In & string>(type: K, handler: Handler<In[K]>): () => void;
  /** Sends a request; resolves with the checked reply, rejects with the other side's error (RemoteError). */
  emit<K extends CallName<Out>>(
    type: K,
    payload: RequestOf<Out[K]>,
    opts?: { timeoutMs?: number; transfer?: Transferable[] },
  ): Promise<ResponseOf<Out[K]>>;
  /** Sends an event (no reply); throws on a payload that does not fit its schema. */
  notify<K extends EventName<Out>>(type: K, payload: EventOf<Out[K]>, transfer?: Transferable[]): void;
  /** Attaches to the transport; returns a function that detaches and rejects pending requests. */
  connect(): () => void;
  /** Rejects every pending and later request with `error` (the other side is gone). */
  fail(error: Error): void;
}

const MAX_ID = 2 ** 31 - 1;

interface Pending {
  type: string;
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

type Envelope = { kind: 'request' | 'response' | 'event'; id: number | null; type: string; rec: Record<string, unknown> };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const validId = (id: unknown): id is number => typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= MAX_ID;

/** Checks the envelope: object, protocol, kind, id, type. A reply to an unreadable request has id null. */
function readEnvelope(raw: unknown, protocol: string): Envelope {
  if (!isRecord(raw)) throw new ProtocolError('message: expected an object');
  if (raw.proto !== protocol) throw new ProtocolError(`message: protocol ${JSON.stringify(raw.proto)}, expected "${protocol}"`);
  const kind = raw.kind;
  if (kind !== 'request' && kind !== 'response' && kind !== 'event')
    throw new ProtocolError(`message: unknown kind ${JSON.stringify(kind)}`);
  const idless = kind === 'event' || (kind === 'response' && raw.ok === false && raw.id === null);
  if (!idless && !validId(raw.id))
    throw new ProtocolError(`message: id must be an integer in [1, ${MAX_ID}], got ${JSON.stringify(raw.id)}`);
  if (typeof raw.type !== 'string') throw new ProtocolError('message: type must be a string');
  return { kind, id: kind === 'event' ? null : (raw.id as number | null), type: raw.type, rec: raw };
}

function checkKeys(rec: Record<string, unknown>, allowed: string[]): void {
  for (const key of Object.keys(rec)) if (!allowed.includes(key)) throw new ProtocolError(`message: unexpected field "${key}"`);
}

export function createEndpoint<In extends MessageMap, Out extends MessageMap>(
  /** protocol: a name and version that every message carries ("sketchify-loss/1"). */
  spec: { protocol: string; receives: SchemaMap; sends: SchemaMap },
  transport: Transport,
  options: EndpointOptions = {},
): Endpoint<In, Out> {
  const { protocol } = spec;
  const handlers = new Map<string, (payload: unknown) => unknown>();
  const pending = new Map<number, Pending>();
  const onReject = options.onReject ?? ((e: ProtocolError) => console.warn(`[sketchify] rejected message: ${e.message}`));
  const entry = (map: SchemaMap, type: string) => (Object.prototype.hasOwnProperty.call(map, type) ? map[type] : undefined);
  let failure: Error | undefined;
  let nextId = 1;

  function reply(
    id: number | null,
    type: string,
    result: { ok: true; payload: unknown } | { ok: false; error: WireError },
    transfer: Transferable[] = [],
  ): void {
    try {
      transport.post({ proto: protocol, kind: 'response', id, type, ...result }, transfer);
    } catch (e) {
      // An uncloneable reply: say so rather than leave the caller waiting. If even that
      // cannot be sent the channel is gone, and nobody is left to tell.
      try {
        if (result.ok) transport.post({ proto: protocol, kind: 'response', id, type, ok: false, error: toWireError(e) });
      } catch {
        // closed channel
      }
    }
  }

  function rejectAll(error: Error | ((p: Pending) => Error)): void {
    for (const [id, p] of pending) {
      if (p.timer !== undefined) clearTimeout(p.timer);
      pending.delete(id);
      p.reject(typeof error === 'function' ? error(p) : error);
    }
  }

  async function handleRequest(id: number, type: string, rec: Record<string, unknown>): Promise<void> {
    const schema = entry(spec.receives, type);
    let payload: unknown;
    try {
      checkKeys(rec, ['proto', 'kind', 'id', 'type', 'payload']);
      if (!schema) throw new ProtocolError(`message: unknown type ${JSON.stringify(type)}`);
      if (!('request' in schema)) throw new ProtocolError(`message: "${type}" is an event, not a request`);
      payload = schema.request(rec.payload, 'payload');
    } catch (e) {
      onReject(e as ProtocolError, rec);
      return reply(id, type, { ok: false, error: toWireError(e) });
    }
    const handler = handlers.get(type);
    if (!handler) return reply(id, type, { ok: false, error: { name: 'Error', message: `no handler for "${type}"` } });
    try {
      const result = await handler(payload);
      const [value, transfer] = result instanceof Transferring ? [result.value, result.transfer] : [result, []];
      reply(id, type, { ok: true, payload: schema.response(value ?? {}, 'reply') }, transfer);
    } catch (e) {
      reply(id, type, { ok: false, error: toWireError(e) });
    }
  }

  function handleEvent(type: string, rec: Record<string, unknown>): void {
    checkKeys(rec, ['proto', 'kind', 'type', 'payload']);
    const schema = entry(spec.receives, type);
    if (!schema) throw new ProtocolError(`message: unknown type ${JSON.stringify(type)}`);
    if (!('event' in schema)) throw new ProtocolError(`message: "${type}" is a request, not an event`);
    const payload = schema.event(rec.payload, 'payload');
    handlers.get(type)?.(payload); // nobody listening: an event may go unheard
  }

  function handleResponse(id: number | null, type: string, rec: Record<string, unknown>): void {
    if (id === null) {
      // The other side could not read the id of one of our requests: which one is unknown.
      checkKeys(rec, ['proto', 'kind', 'id', 'type', 'ok', 'error']);
      return rejectAll(fromWireError(wireErrorSchema(rec.error, 'error')));
    }
    const waiting = pending.get(id);
    if (!waiting) {
      if (failure) return; // answered after fail(): nobody waits for it
      throw new ProtocolError(`message: reply to unknown request id ${id}`);
    }
    if (waiting.type !== type) throw new ProtocolError(`message: reply of type "${type}" to a "${waiting.type}" request`);
    pending.delete(id);
    if (waiting.timer !== undefined) clearTimeout(waiting.timer);
    try {
      if (rec.ok === true) {
        checkKeys(rec, ['proto', 'kind', 'id', 'type', 'ok', 'payload']);
        waiting.resolve((entry(spec.sends, type) as CallSchema).response(rec.payload, 'payload'));
      } else if (rec.ok === false) {
        checkKeys(rec, ['proto', 'kind', 'id', 'type', 'ok', 'error']);
        waiting.reject(fromWireError(wireErrorSchema(rec.error, 'error')));
      } else {
        throw new ProtocolError(`message: ok must be a boolean, got ${JSON.stringify(rec.ok)}`);
      }
    } catch (e) {
      waiting.reject(e as Error);
      throw e;
    }
  }

  function receive(raw: unknown): void {
    let envelope: Envelope;
    try {
      envelope = readEnvelope(raw, protocol);
      if (envelope.kind === 'response') handleResponse(envelope.id, envelope.type, envelope.rec);
      else if (envelope.kind === 'event') handleEvent(envelope.type, envelope.rec);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      onReject(e, raw);
      // A request of ours that cannot be read still gets an answer, so its caller is not left waiting.
      if (isRecord(raw) && raw.proto === protocol && raw.kind === 'request') {
        reply(validId(raw.id) ? raw.id : null, typeof raw.type === 'string' ? raw.type : '', { ok: false, error: toWireError(e) });
      }
      return;
    }
    if (envelope.kind === 'request') void handleRequest(envelope.id!, envelope.type, envelope.rec);
  }

  function unreadable(): void {
    const error = new ProtocolError('message: a message could not be deserialized');
    onReject(error, undefined);
    rejectAll(error); // its reply may have been any pending one's
  }

  return {
    on(type, handler) {
      if (!entry(spec.receives, type)) throw new Error(`"${type}" is not a message this side receives`);
      if (handlers.has(type)) throw new Error(`a handler for "${type}" is already registered`);
      handlers.set(type, handler as (payload: unknown) => unknown);
      return () => handlers.delete(type);
    },
    emit(type, payload, opts) {
      return new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        const schema = entry(spec.sends, type);
        if (!schema || !('request' in schema)) throw new Error(`"${type}" is not a request this side sends`);
        const checked = schema.request(payload, 'payload');
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
        try {
          transport.post({ proto: protocol, kind: 'request', id, type, payload: checked }, opts?.transfer ?? []);
        } catch (e) {
          pending.delete(id);
          if (timer !== undefined) clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    },
    notify(type, payload, transfer = []) {
      const schema = entry(spec.sends, type);
      if (!schema || !('event' in schema)) throw new Error(`"${type}" is not an event this side sends`);
      transport.post({ proto: protocol, kind: 'event', type, payload: schema.event(payload, 'payload') }, transfer);
    },
    connect() {
      const unsubscribe = transport.subscribe(receive, unreadable);
      return () => {
        unsubscribe();
        rejectAll((p) => new ProtocolError(`disconnected before the reply to "${p.type}"`));
      };
    },
    fail(error) {
      failure ??= error;
      rejectAll(failure);
    },
  };
}
