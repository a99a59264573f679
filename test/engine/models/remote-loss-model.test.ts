// A LossModel served over a real MessageChannel: the remote model gives the local model's
// numbers (embedded MobileNetV2 on wasm), every malformed message is refused with a specific
// error on either side, and a crashed server rejects the calls waiting on it.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { embeddedLossModel } from '../../../src/cli/models.ts';
import {
  connectRemoteLossModel,
  LOSS_PROTOCOL,
  serveLossModel,
  type LossPort,
  type RemoteLossModel,
} from '../../../src/engine/models/remote-loss-model.ts';
import { ShardedLossModel } from '../../../src/engine/models/sharded-loss-model.ts';
import type { LossModel, TargetFeatures } from '../../../src/engine/models/types.ts';
import { createPixelLossModel } from '../../helpers/engine-pixel-model.ts';
import { embeddedWeights } from '../../helpers/embedded-weights.ts';
import { noise } from '../../helpers/noise.ts';

// The port type must accept what helper code passes it (compile-time check).
const _portTypes: LossPort[] = [new MessageChannel().port1, {} as Worker];
void _portTypes;

const channels: MessageChannel[] = [];
function channel(): MessageChannel {
  const c = new MessageChannel();
  channels.push(c);
  return c;
}
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

/** The next message that arrives on `port`. */
function nextMessage(port: MessagePort): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    port.addEventListener('message', (e) => resolve(e.data), { once: true });
    port.start();
  });
}

describe('remote loss model with the embedded model (wasm)', () => {
  let local: LossModel;
  beforeAll(async () => {
    local = await embeddedLossModel(await embeddedWeights());
  });
  afterAll(async () => {
    await local?.dispose();
  });

  it('gives the local model numbers: description, target features, loss and gradient, saliency', async () => {
    const S = local.size;
    const { port1, port2 } = channel();
    serveLossModel(port2, local);
    const remote = await connectRemoteLossModel(port1);
    expect([remote.id, remote.size, remote.taps, remote.defaultWeights, remote.runtime]).toEqual([
      local.id,
      S,
      local.taps,
      local.defaultWeights,
      local.runtime,
    ]);

    const images = noise(2 * 3 * S * S, 3);
    const targets = await remote.targetFeatures(images, 2);
    expect(targets).toEqual(await local.targetFeatures(images, 2));
    const views = noise(2 * S * S, 4);
    const weights = { geometric: { ...local.defaultWeights.geometric }, semantic: 0.3 };
    const got = await remote.lossAndGradient(views, targets, weights);
    const want = await local.lossAndGradient(views, targets, weights);
    // Same model, same batch: bit-identical.
    expect(got.loss).toBe(want.loss);
    expect(got.terms).toEqual(want.terms);
    expect(got.grad).toEqual(want.grad);
    expect(await remote.saliency(images.subarray(0, 3 * S * S))).toEqual(await local.saliency(images.subarray(0, 3 * S * S)));
    // The caller's arrays were copied, not transferred.
    expect(views.length).toBe(2 * S * S);
    expect(images.byteLength).toBe(2 * 3 * S * S * 4);
    expect(targets.tensors[local.taps[0]].length).toBeGreaterThan(0);
    await remote.dispose();
  });
});

describe('remote loss model protocol (pixel model)', () => {
  const S = 8;
  const plane = S * S;

  async function pair(
    model: LossModel = createPixelLossModel(S),
  ): Promise<{ remote: RemoteLossModel; port1: MessagePort; port2: MessagePort; stop: () => void }> {
    const { port1, port2 } = channel();
    const stop = serveLossModel(port2, model);
    return { remote: await connectRemoteLossModel(port1), port1, port2, stop };
  }

  it('answers a malformed request with an error naming the bad field', async () => {
    const { port1, port2 } = channel();
    serveLossModel(port2, createPixelLossModel(S));
    const ask = async (message: Record<string, unknown>): Promise<Record<string, unknown>> => {
      const reply = nextMessage(port1);
      const { id, type, ...payload } = message;
      port1.postMessage({ proto: LOSS_PROTOCOL, kind: 'request', id, type, payload });
      return reply;
    };
    const targets = { batch: 2, tensors: { pixels: new Float32Array(2 * plane) } };
    const weights = { geometric: { pixels: 1 }, semantic: 0 };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ id: 1, type: 'lossAndGradient', views: new Float32Array(5), targets, weights }, /payload\.views: expected 128 values, got 5/],
      [
        { id: 2, type: 'lossAndGradient', views: new Array(2 * plane).fill(0), targets, weights },
        /payload\.views: expected a Float32Array/,
      ],
      [
        {
          id: 3,
          type: 'lossAndGradient',
          views: new Float32Array(2 * plane),
          targets: { batch: 2, tensors: { pixels: new Float32Array(3) } },
          weights,
        },
        /payload\.targets\.tensors\.pixels: 3 values is not a multiple of 2/,
      ],
      [
        {
          id: 4,
          type: 'lossAndGradient',
          views: new Float32Array(2 * plane),
          targets,
          weights: { geometric: { pixels: '1' }, semantic: 0 },
        },
        /payload\.weights\.geometric\.pixels: expected a number/,
      ],
      [
        { id: 5, type: 'lossAndGradient', views: new Float32Array(2 * plane), targets, weights: { geometric: { nope: 1 }, semantic: 0 } },
        /payload\.weights\.geometric\.nope: unknown name/,
      ],
      [{ id: 6, type: 'targetFeatures', batch: 0, images: new Float32Array(0) }, /payload\.batch: 0 outside/],
      [{ id: 7, type: 'saliency', image: new Float32Array(3 * plane), extra: 1 }, /payload: unexpected field "extra"/],
      [{ id: 8, type: 'train' }, /message: unknown type "train"/],
    ];
    for (const [message, error] of cases) {
      const reply = await ask(message);
      expect(reply).toMatchObject({ proto: LOSS_PROTOCOL, kind: 'response', id: message.id, ok: false, error: { name: 'ProtocolError' } });
      expect((reply.error as { message: string }).message).toMatch(error);
    }
    // No usable id: the reply says so with id null.
    expect(await ask({ id: 'x', type: 'hello' })).toMatchObject({
      id: null,
      ok: false,
      error: { message: expect.stringMatching(/message: id must be an integer/) },
    });
  });

  it('rejects the pending call on a malformed reply, with the reason', async () => {
    const { port1, port2 } = channel();
    // A fake server: a correct handshake, then a reply whose gradient has the wrong length.
    port2.addEventListener('message', (e) => {
      const m = e.data as { id: number; type: string };
      const reply = { proto: LOSS_PROTOCOL, kind: 'response', id: m.id, type: m.type };
      if (m.type === 'hello')
        port2.postMessage({
          ...reply,
          ok: true,
          payload: { id: 'fake', size: S, taps: ['pixels'], defaultWeights: { geometric: { pixels: 1 }, semantic: 0 } },
        });
      if (m.type === 'lossAndGradient')
        port2.postMessage({ ...reply, ok: true, payload: { loss: 1, terms: {}, grad: new Float32Array(3) } });
      if (m.type === 'saliency') port2.postMessage({ ...reply, ok: 'yes' });
      if (m.type === 'targetFeatures') port2.postMessage({ ...reply, ok: true, payload: { batch: 2, tensors: {} } });
    });
    port2.start();
    const remote = await connectRemoteLossModel(port1);
    const targets = { batch: 1, tensors: { pixels: new Float32Array(plane) } };
    await expect(remote.lossAndGradient(new Float32Array(plane), targets, remote.defaultWeights)).rejects.toThrow(
      /payload\.grad: expected 64 values, got 3/,
    );
    await expect(remote.saliency(new Float32Array(3 * plane))).rejects.toThrow(/message: ok must be a boolean/);
    await expect(remote.targetFeatures(new Float32Array(3 * plane), 1)).rejects.toThrow(/payload\.batch: expected 1, got 2/);
  });

  it('rejects a malformed handshake', async () => {
    const { port1, port2 } = channel();
    port2.addEventListener('message', (e) =>
      port2.postMessage({
        proto: LOSS_PROTOCOL,
        kind: 'response',
        id: (e.data as { id: number }).id,
        type: 'hello',
        ok: true,
        payload: { id: 'fake', size: -1, taps: [], defaultWeights: { geometric: {}, semantic: 0 } },
      }),
    );
    port2.start();
    await expect(connectRemoteLossModel(port1)).rejects.toThrow(/payload\.size: -1 outside/);
  });

  it('delivers a server-side error as an Error with its message', async () => {
    const model = createPixelLossModel(S);
    const { remote } = await pair({
      ...model,
      lossAndGradient: async () => {
        throw new RangeError('out of memory in the loss worker');
      },
    });
    const err = await remote
      .lossAndGradient(new Float32Array(plane), { batch: 1, tensors: { pixels: new Float32Array(plane) } }, model.defaultWeights)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'RangeError', message: 'out of memory in the loss worker' });
    // The server goes on answering.
    const image = noise(3 * plane, 4);
    expect(await remote.saliency(image)).toEqual(await model.saliency(image));
  });

  it('fail() rejects the pending and every later call; caller arrays stay attached', async () => {
    const model = createPixelLossModel(S);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const { remote } = await pair({ ...model, lossAndGradient: async (...args) => (await held, model.lossAndGradient(...args)) });
    const views = noise(plane, 1);
    const targets: TargetFeatures = { batch: 1, tensors: { pixels: noise(plane, 2) } };
    const pending = remote.lossAndGradient(views, targets, model.defaultWeights);
    const crash = new Error('loss worker crashed');
    remote.fail(crash);
    await expect(pending).rejects.toBe(crash);
    await expect(remote.saliency(new Float32Array(3 * plane))).rejects.toBe(crash);
    release();
    expect(views.length).toBe(plane);
    expect(targets.tensors.pixels.length).toBe(plane);
    await remote.dispose(); // a failed connection disposes without waiting on the server
  });

  it('refuses messages of other protocols on the same port (logged, unanswered) and stops on dispose', async () => {
    let disposed = 0;
    const model = createPixelLossModel(S);
    const { remote, port1, port2 } = await pair({ ...model, dispose: async () => void disposed++ });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    port2.postMessage({ type: 'progress', id: 1 }); // not ours: the client must not choke on it
    port1.postMessage({ type: 'hello', id: 1 }); // not ours: the server must not answer it
    const image = noise(3 * plane, 5);
    expect(await remote.saliency(image)).toEqual(await model.saliency(image));
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual(
      Array(2).fill('[sketchify] rejected message: message: protocol undefined, expected "sketchify-loss/1"'),
    );
    warn.mockRestore();
    await remote.dispose();
    expect(disposed).toBe(1);
    await expect(remote.saliency(image)).rejects.toThrow(/disposed/);
  });

  it('shards over remote models and drops one whose worker crashed', async () => {
    const model = createPixelLossModel(S);
    const remotes = [(await pair()).remote, (await pair()).remote];
    const lost: number[] = [];
    const sharded = new ShardedLossModel([model, ...remotes], { onShardLost: (i) => lost.push(i) });
    const targets = await model.targetFeatures(noise(5 * 3 * plane, 7), 5);
    const views = noise(5 * plane, 8);
    const want = await model.lossAndGradient(views, targets, model.defaultWeights);
    expect((await sharded.lossAndGradient(views, targets, model.defaultWeights)).loss).toBeCloseTo(want.loss, 6);
    remotes[1].fail(new Error('worker 2 crashed'));
    const got = await sharded.lossAndGradient(views, targets, model.defaultWeights);
    expect(got.loss).toBeCloseTo(want.loss, 6);
    expect(got.grad.length).toBe(want.grad.length);
    got.grad.forEach((g, i) => expect(Math.abs(g - want.grad[i])).toBeLessThan(1e-7));
    expect(lost).toEqual([2]);
    await sharded.dispose();
  });
});
