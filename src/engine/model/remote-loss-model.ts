// A LossModel served across a message boundary (a worker, a MessageChannel): serveLossModel
// answers requests with a local model; connectRemoteLossModel is the LossModel on the other
// side. ShardedLossModel uses these to spread a batch over loss workers, one wasm thread each.
//
// Every message is validated on arrival, on both sides: a malformed request gets an error
// reply, a malformed reply rejects the call it answers (all pending calls when it names
// none). Messages carry `proto: LOSS_PROTOCOL`; messages without it belong to another
// protocol sharing the port (a worker's own setup messages) and are left alone.
// Arrays are copied before they are transferred, so the caller's arrays are never detached.
import { object, num, str, array, optional, literal, ProtocolError, type Schema } from '../../common/rpc/schema.ts';
import type { LossModel, LossResult, LossWeights, TargetFeatures } from './types.ts';

export const LOSS_PROTOCOL = 'sketchify-loss/1';

/**
 * What both ends need of a port: satisfied by a browser MessagePort, a Worker, a
 * DedicatedWorkerGlobalScope and Node's global MessageChannel ports.
 */
export interface LossPort {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message' | 'messageerror', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message' | 'messageerror', listener: (event: MessageEvent) => void): void;
  /** MessagePorts only deliver after start(); a Worker has none. */
  start?(): void;
}

/** Most images in one request: seeds x (1 + views) is at most 8 x 17. */
const MAX_BATCH = 256;
const MAX_SIZE = 4096;
const MAX_TENSORS = 64;
const MAX_NAME = 200;

type Request =
  | { type: 'hello' }
  | { type: 'targetFeatures'; images: Float32Array; batch: number }
  | { type: 'lossAndGradient'; views: Float32Array; targets: TargetFeatures; weights: LossWeights }
  | { type: 'saliency'; image: Float32Array }
  | { type: 'dispose' };

export interface WireError {
  name: string;
  message: string;
}

interface ModelInfo {
  id: string;
  size: number;
  taps: string[];
  defaultWeights: LossWeights;
  runtime?: string;
}

// ---- validation -------------------------------------------------------------------------

function fail(path: string, problem: string): never {
  throw new ProtocolError(`${path}: ${problem}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A Float32Array of exactly `length` values, or a multiple of `multipleOf`. By tag: it may come from another realm. */
function f32(opts: { length?: number; multipleOf?: number }): Schema<Float32Array> {
  return (v, path) => {
    if (Object.prototype.toString.call(v) !== '[object Float32Array]') fail(path, `expected a Float32Array, got ${v === null ? 'null' : typeof v}`);
    const a = v as Float32Array;
    if (opts.length !== undefined && a.length !== opts.length) fail(path, `expected ${opts.length} values, got ${a.length}`);
    if (opts.multipleOf !== undefined && (a.length === 0 || a.length % opts.multipleOf !== 0)) fail(path, `${a.length} values is not a positive multiple of batch ${opts.multipleOf}`);
    return a;
  };
}

function record<T>(item: Schema<T>, opts: { max: number; keys?: readonly string[] }): Schema<Record<string, T>> {
  return (v, path) => {
    if (!isRecord(v)) fail(path, `expected an object, got ${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v}`);
    const entries = Object.entries(v);
    if (entries.length > opts.max) fail(path, `${entries.length} entries exceeds the limit of ${opts.max}`);
    const out: Record<string, T> = {};
    for (const [key, value] of entries) {
      if (key.length > MAX_NAME) fail(path, `key longer than ${MAX_NAME} characters`);
      if (opts.keys && !opts.keys.includes(key)) fail(`${path}.${key}`, `unknown name (expected one of ${opts.keys.join(', ')})`);
      out[key] = item(value, `${path}.${key}`);
    }
    return out;
  };
}

const anyNumber: Schema<number> = (v, path) => (typeof v === 'number' ? v : fail(path, `expected a number, got ${typeof v}`));
const finite = num({ min: -Infinity, max: Infinity });
const batchSchema = num({ min: 1, max: MAX_BATCH, integer: true });
const messageId = num({ min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });

function weightsSchema(taps?: readonly string[]): Schema<LossWeights> {
  return object({ geometric: record(finite, { max: MAX_TENSORS, keys: taps }), semantic: finite });
}

function targetsSchema(batch?: number): Schema<TargetFeatures> {
  return (v, path) => {
    if (!isRecord(v)) fail(path, 'expected an object');
    const b = batchSchema(v.batch, `${path}.batch`);
    if (batch !== undefined && b !== batch) fail(`${path}.batch`, `expected ${batch}, got ${b}`);
    return object({ batch: batchSchema, tensors: record(f32({ multipleOf: b }), { max: MAX_TENSORS }) })(v, path);
  };
}

/** The request as the server validates it against its model (sizes, taps). */
function parseRequest(v: Record<string, unknown>, model: LossModel): { id: number; request: Request } {
  const plane = model.size * model.size;
  const head = { proto: literal(LOSS_PROTOCOL), id: messageId };
  switch (v.type) {
    case 'hello':
    case 'dispose':
      return { id: object({ ...head, type: literal(v.type) })(v, 'request').id, request: { type: v.type } };
    case 'targetFeatures': {
      const batch = batchSchema(v.batch, 'request.batch');
      const m = object({ ...head, type: literal('targetFeatures'), batch: batchSchema, images: f32({ length: batch * 3 * plane }) })(v, 'request');
      return { id: m.id, request: { type: 'targetFeatures', images: m.images, batch } };
    }
    case 'lossAndGradient': {
      const batch = isRecord(v.targets) ? batchSchema(v.targets.batch, 'request.targets.batch') : fail('request.targets', 'expected an object');
      const m = object({ ...head, type: literal('lossAndGradient'), views: f32({ length: batch * plane }), targets: targetsSchema(batch), weights: weightsSchema(model.taps) })(v, 'request');
      return { id: m.id, request: { type: 'lossAndGradient', views: m.views, targets: m.targets, weights: m.weights } };
    }
    case 'saliency': {
      const m = object({ ...head, type: literal('saliency'), image: f32({ length: 3 * plane }) })(v, 'request');
      return { id: m.id, request: { type: 'saliency', image: m.image } };
    }
    default:
      return fail('request.type', `unknown type ${JSON.stringify(v.type)}`);
  }
}

const infoSchema: Schema<ModelInfo> = object({
  id: str({ max: MAX_NAME, min: 1 }),
  size: num({ min: 1, max: MAX_SIZE, integer: true }),
  taps: array(str({ max: MAX_NAME, min: 1 }), { max: MAX_TENSORS }),
  defaultWeights: weightsSchema(),
  runtime: optional(str({ max: MAX_NAME })),
});

const replySchema = object({
  proto: literal(LOSS_PROTOCOL),
  id: (v, path) => (v === null ? null : messageId(v, path)),
  ok: (v, path) => (typeof v === 'boolean' ? v : fail(path, `expected a boolean, got ${typeof v}`)),
  result: optional((v: unknown) => v),
  error: optional(object({ name: str({ max: MAX_NAME }), message: str({ max: 10_000 }) })),
});

// ---- helpers ----------------------------------------------------------------------------

function isOurs(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && v.proto === LOSS_PROTOCOL;
}

/** A copy in a buffer of its own (the one that gets transferred). */
function copy(a: Float32Array, transfer: ArrayBuffer[]): Float32Array {
  const c = a.slice();
  transfer.push(c.buffer);
  return c;
}

function copyTensors(tensors: Record<string, Float32Array>, transfer: ArrayBuffer[]): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, copy(t, transfer)]));
}

export function toWireError(e: unknown): WireError {
  if (e instanceof Error) return { name: e.name.slice(0, MAX_NAME), message: e.message.slice(0, 10_000) };
  return { name: 'Error', message: String(e).slice(0, 10_000) };
}

function fromWireError(w: WireError): Error {
  const e = new Error(w.message);
  e.name = w.name;
  return e;
}

// ---- server -----------------------------------------------------------------------------

/**
 * Answers loss requests arriving on `port` with `model`, one at a time in arrival order (one
 * session runs one call at a time). Returns a function that stops listening.
 */
export function serveLossModel(port: LossPort, model: LossModel): () => void {
  let queue = Promise.resolve();
  let disposed = false;
  const reply = (id: number | null, body: { ok: true; result: unknown } | { ok: false; error: WireError }, transfer: ArrayBuffer[] = []): void => {
    try {
      port.postMessage({ proto: LOSS_PROTOCOL, id, ...body }, transfer);
    } catch (e) {
      // An uncloneable result: say so rather than leave the caller waiting. If even that
      // cannot be sent the port is gone, and nobody is left to tell.
      try {
        port.postMessage({ proto: LOSS_PROTOCOL, id, ok: false, error: toWireError(e) }, []);
      } catch {
        // closed port
      }
    }
  };
  const handle = async (request: Request): Promise<{ result: unknown; transfer: ArrayBuffer[] }> => {
    const transfer: ArrayBuffer[] = [];
    if (disposed && request.type !== 'dispose') throw new Error(`loss model '${model.id}' was disposed`);
    switch (request.type) {
      case 'hello': {
        const info: ModelInfo = { id: model.id, size: model.size, taps: [...model.taps], defaultWeights: model.defaultWeights };
        if (model.runtime !== undefined) info.runtime = model.runtime;
        return { result: info, transfer };
      }
      case 'targetFeatures': {
        const f = await model.targetFeatures(request.images, request.batch);
        return { result: { batch: f.batch, tensors: copyTensors(f.tensors, transfer) }, transfer };
      }
      case 'lossAndGradient': {
        const r = await model.lossAndGradient(request.views, request.targets, request.weights);
        return { result: { loss: r.loss, terms: { ...r.terms }, grad: copy(r.grad, transfer) }, transfer };
      }
      case 'saliency':
        return { result: copy(await model.saliency(request.image), transfer), transfer };
      case 'dispose':
        if (!disposed) {
          disposed = true;
          await model.dispose();
        }
        return { result: null, transfer };
    }
  };
  const onMessage = (event: MessageEvent): void => {
    const data: unknown = event.data;
    if (!isOurs(data)) return;
    const rawId = Number.isSafeInteger(data.id) && (data.id as number) >= 0 ? (data.id as number) : null;
    let parsed: { id: number; request: Request };
    try {
      parsed = parseRequest(data, model);
    } catch (e) {
      reply(rawId, { ok: false, error: toWireError(e) });
      return;
    }
    // reply() never throws, so one request cannot stall the queue for the next.
    queue = queue.then(async () => {
      let answer: { result: unknown; transfer: ArrayBuffer[] };
      try {
        answer = await handle(parsed.request);
      } catch (e) {
        reply(parsed.id, { ok: false, error: toWireError(e) });
        return;
      }
      reply(parsed.id, { ok: true, result: answer.result }, answer.transfer);
    });
  };
  port.addEventListener('message', onMessage);
  port.start?.();
  return () => port.removeEventListener('message', onMessage);
}

// ---- client -----------------------------------------------------------------------------

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** Validates the reply's result for this request. */
  parse: Schema<unknown>;
}

class Connection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure?: Error;
  private readonly onMessage = (event: MessageEvent): void => this.receive(event.data);
  private readonly onMessageError = (): void => this.rejectAll(new ProtocolError('loss reply: a message could not be deserialized'));

  constructor(private readonly port: LossPort) {
    port.addEventListener('message', this.onMessage);
    port.addEventListener('messageerror', this.onMessageError);
    port.start?.();
  }

  call<T>(message: Record<string, unknown>, parse: Schema<T>, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, parse });
      try {
        this.port.postMessage({ proto: LOSS_PROTOCOL, id, ...message }, transfer);
      } catch (e) {
        this.pending.delete(id);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** Rejects every pending and future call with `error`. */
  fail(error: Error): void {
    this.failure ??= error;
    this.rejectAll(this.failure);
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  close(): void {
    this.port.removeEventListener('message', this.onMessage);
    this.port.removeEventListener('messageerror', this.onMessageError);
  }

  private rejectAll(error: Error): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const p of calls) p.reject(error);
  }

  private receive(data: unknown): void {
    if (!isOurs(data)) return;
    let reply: ReturnType<typeof replySchema>;
    try {
      reply = replySchema(data, 'reply');
      if (reply.ok && reply.error) fail('reply.error', 'present on a successful reply');
      if (!reply.ok && !reply.error) fail('reply.error', 'missing');
    } catch (e) {
      // Reject the call it answers if that can be told, else every pending call.
      const target = typeof data.id === 'number' ? this.pending.get(data.id) : undefined;
      if (target) {
        this.pending.delete(data.id as number);
        target.reject(e as Error);
      } else this.rejectAll(e as Error);
      return;
    }
    if (reply.id === null) {
      // The server could not read the id of one of our requests: which call it was is unknown.
      this.rejectAll(fromWireError(reply.error ?? { name: 'ProtocolError', message: 'loss reply without an id' }));
      return;
    }
    const call = this.pending.get(reply.id);
    if (!call) return; // answered after fail() or dispose(): nobody waits for it
    this.pending.delete(reply.id);
    if (!reply.ok) {
      call.reject(fromWireError(reply.error!));
      return;
    }
    try {
      call.resolve(call.parse(reply.result, 'reply.result'));
    } catch (e) {
      call.reject(e as Error);
    }
  }
}

/** A LossModel whose calls run on a server (serveLossModel) at the other end of a port. */
export class RemoteLossModel implements LossModel {
  readonly id: string;
  readonly size: number;
  readonly taps: readonly string[];
  readonly defaultWeights: LossWeights;
  readonly runtime?: string;
  private disposed = false;

  /** Use connectRemoteLossModel. */
  constructor(
    private readonly connection: Connection,
    info: ModelInfo,
  ) {
    this.id = info.id;
    this.size = info.size;
    this.taps = info.taps;
    this.defaultWeights = info.defaultWeights;
    if (info.runtime !== undefined) this.runtime = info.runtime;
  }

  targetFeatures(images: Float32Array, batch: number): Promise<TargetFeatures> {
    const transfer: ArrayBuffer[] = [];
    return this.connection.call({ type: 'targetFeatures', batch, images: copy(images, transfer) }, targetsSchema(batch), transfer);
  }

  lossAndGradient(views: Float32Array, targets: TargetFeatures, weights: LossWeights): Promise<LossResult> {
    const transfer: ArrayBuffer[] = [];
    const message = {
      type: 'lossAndGradient',
      views: copy(views, transfer),
      targets: { batch: targets.batch, tensors: copyTensors(targets.tensors, transfer) },
      weights: { geometric: { ...weights.geometric }, semantic: weights.semantic },
    };
    const parse = object({ loss: anyNumber, terms: record(anyNumber, { max: MAX_TENSORS + 1 }), grad: f32({ length: targets.batch * this.size * this.size }) });
    return this.connection.call(message, parse, transfer);
  }

  saliency(image: Float32Array): Promise<Float32Array> {
    const transfer: ArrayBuffer[] = [];
    return this.connection.call({ type: 'saliency', image: copy(image, transfer) }, f32({ length: this.size * this.size }), transfer);
  }

  /** Rejects every pending and future call with `error` (the worker behind the port crashed). */
  fail(error: Error): void {
    this.connection.fail(error);
  }

  /** Tells the server to dispose its model (unless the connection failed) and stops listening. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    try {
      if (!this.connection.failed) await this.connection.call({ type: 'dispose' }, (v, path) => (v === null ? null : fail(path, 'expected null')));
    } finally {
      this.connection.fail(new Error(`remote loss model '${this.id}' was disposed`));
      this.connection.close();
    }
  }
}

/**
 * Connects to a serveLossModel at the other end of `port`: a handshake fetches the model's
 * description. `signal` aborts the handshake (the worker behind the port crashed while loading).
 */
export async function connectRemoteLossModel(port: LossPort, options: { signal?: AbortSignal } = {}): Promise<RemoteLossModel> {
  const { signal } = options;
  signal?.throwIfAborted();
  const connection = new Connection(port);
  const onAbort = (): void => connection.fail(signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason)));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return new RemoteLossModel(connection, await connection.call({ type: 'hello' }, infoSchema));
  } catch (e) {
    connection.close();
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
