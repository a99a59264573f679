// A LossModel served across a message boundary (a worker, a MessageChannel): serveLossModel
// answers requests with a local model; connectRemoteLossModel is the LossModel on the other
// side. ShardedLossModel uses these to spread a batch over loss workers, one wasm thread each.
//
// The messages are loss-protocol.ts's, over the one RPC endpoint (src/common/rpc): every
// message is checked on arrival on both sides, a malformed request gets an error reply, a
// malformed reply rejects the call it answers, and errors cross as one WireError.
// Arrays are copied before they are transferred, so the caller's arrays are never detached.
import { createEndpoint, transferring, type Endpoint } from '../../common/rpc/endpoint.ts';
import { portTransport, type MessagePortLike } from '../../common/rpc/port-transport.ts';
import { ProtocolError } from '../../common/rpc/schema.ts';
import { LOSS_PROTOCOL, lossRequests, type LossRequests, type ModelInfo } from './loss-protocol.ts';
import type { LossModel, LossResult, LossWeights, TargetFeatures } from './types.ts';

export { LOSS_PROTOCOL };

/**
 * What both ends need of a port: satisfied by a browser MessagePort, a Worker, a
 * DedicatedWorkerGlobalScope and Node's global MessageChannel ports.
 */
export type LossPort = MessagePortLike;

/** A copy in a buffer of its own (the one that gets transferred). */
function copy(a: Float32Array, transfer: Transferable[]): Float32Array {
  const c = a.slice();
  transfer.push(c.buffer);
  return c;
}

function copyTensors(tensors: Record<string, Float32Array>, transfer: Transferable[]): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, copy(t, transfer)]));
}

/** A reply's size that its request fixes (the table alone cannot know it). */
function expect(ok: boolean, problem: string): void {
  if (!ok) throw new ProtocolError(problem);
}

// ---- server -----------------------------------------------------------------------------

/**
 * Answers loss requests arriving on `port` with `model`, one at a time in arrival order (one
 * session runs one call at a time). Returns a function that stops listening.
 */
export function serveLossModel(port: LossPort, model: LossModel): () => void {
  const endpoint = createEndpoint<LossRequests, Record<string, never>>(
    { protocol: LOSS_PROTOCOL, receives: lossRequests(model), sends: {} },
    portTransport(port),
    { timeoutMs: 0 },
  );
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;
  /** Runs `work` after every request that arrived before it; a failure does not stall the next. */
  const serial = <T>(work: () => Promise<T> | T): Promise<T> => {
    const run = queue.then(() => {
      if (disposed) throw new Error(`loss model '${model.id}' was disposed`);
      return work();
    });
    queue = run.catch(() => undefined);
    return run;
  };
  endpoint.on('hello', () =>
    serial(() => {
      const info: ModelInfo = { id: model.id, size: model.size, taps: [...model.taps], defaultWeights: model.defaultWeights };
      if (model.runtime !== undefined) info.runtime = model.runtime;
      return info;
    }),
  );
  endpoint.on('targetFeatures', ({ images, batch }) =>
    serial(async () => {
      const f = await model.targetFeatures(images, batch);
      const transfer: Transferable[] = [];
      return transferring({ batch: f.batch, tensors: copyTensors(f.tensors, transfer) }, transfer);
    }),
  );
  endpoint.on('lossAndGradient', ({ views, targets, weights }) =>
    serial(async () => {
      const r = await model.lossAndGradient(views, targets, weights);
      const transfer: Transferable[] = [];
      return transferring({ loss: r.loss, terms: { ...r.terms }, grad: copy(r.grad, transfer) }, transfer);
    }),
  );
  endpoint.on('saliency', ({ image }) =>
    serial(async () => {
      const transfer: Transferable[] = [];
      return transferring(copy(await model.saliency(image), transfer), transfer);
    }),
  );
  endpoint.on('dispose', () => {
    const run = queue.then(async () => {
      if (disposed) return;
      disposed = true;
      await model.dispose();
    });
    queue = run.catch(() => undefined);
    return run;
  });
  return endpoint.connect();
}

// ---- client -----------------------------------------------------------------------------

type Client = Endpoint<Record<string, never>, LossRequests>;

/** A LossModel whose calls run on a server (serveLossModel) at the other end of a port. */
export class RemoteLossModel implements LossModel {
  readonly id: string;
  readonly size: number;
  readonly taps: readonly string[];
  readonly defaultWeights: LossWeights;
  readonly runtime?: string;
  private failure?: Error;
  private disposed = false;

  /** Use connectRemoteLossModel. */
  constructor(
    private readonly endpoint: Client,
    private readonly detach: () => void,
    info: ModelInfo,
  ) {
    this.id = info.id;
    this.size = info.size;
    this.taps = info.taps;
    this.defaultWeights = info.defaultWeights;
    if (info.runtime !== undefined) this.runtime = info.runtime;
  }

  async targetFeatures(images: Float32Array, batch: number): Promise<TargetFeatures> {
    const transfer: Transferable[] = [];
    const targets = await this.endpoint.emit('targetFeatures', { batch, images: copy(images, transfer) }, { transfer });
    expect(targets.batch === batch, `payload.batch: expected ${batch}, got ${targets.batch}`);
    return targets;
  }

  async lossAndGradient(views: Float32Array, targets: TargetFeatures, weights: LossWeights): Promise<LossResult> {
    const transfer: Transferable[] = [];
    const request = {
      views: copy(views, transfer),
      targets: { batch: targets.batch, tensors: copyTensors(targets.tensors, transfer) },
      weights: { geometric: { ...weights.geometric }, semantic: weights.semantic },
    };
    const result = await this.endpoint.emit('lossAndGradient', request, { transfer });
    const n = targets.batch * this.size * this.size;
    expect(result.grad.length === n, `payload.grad: expected ${n} values, got ${result.grad.length}`);
    return result;
  }

  async saliency(image: Float32Array): Promise<Float32Array> {
    const transfer: Transferable[] = [];
    const map = await this.endpoint.emit('saliency', { image: copy(image, transfer) }, { transfer });
    expect(map.length === this.size * this.size, `payload: expected ${this.size * this.size} values, got ${map.length}`);
    return map;
  }

  /** Rejects every pending and future call with `error` (the worker behind the port crashed). */
  fail(error: Error): void {
    this.failure ??= error;
    this.endpoint.fail(error);
  }

  /** Tells the server to dispose its model (unless the connection failed) and stops listening. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    try {
      if (!this.failure) await this.endpoint.emit('dispose', {});
    } finally {
      this.fail(new Error(`remote loss model '${this.id}' was disposed`));
      this.detach();
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
  const endpoint: Client = createEndpoint({ protocol: LOSS_PROTOCOL, receives: {}, sends: lossRequests() }, portTransport(port), {
    timeoutMs: 0,
  });
  const detach = endpoint.connect();
  const onAbort = (): void => endpoint.fail(signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason)));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return new RemoteLossModel(endpoint, detach, await endpoint.emit('hello', {}));
  } catch (e) {
    detach();
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
