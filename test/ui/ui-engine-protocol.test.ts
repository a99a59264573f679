// The UI <-> engine host protocol (src/ui/engine/protocol.ts) over a real MessageChannel, with
// a stand-in engine: a run's pixels and result move without copies, its events arrive checked
// (a loss that is not finite yet included), and a malformed request gets the reason back.
import { afterEach, describe, expect, it } from 'vitest';
import { transferring } from '../../src/common/rpc/endpoint.ts';
import { portTransport } from '../../src/common/rpc/port-transport.ts';
import { RemoteError } from '../../src/common/rpc/wire-error.ts';
import { createEngineClientEndpoint, createEngineHostEndpoint, type RunRequest, type WireResult } from '../../src/ui/engine/protocol.ts';

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function connectedPair() {
  const channel = new MessageChannel();
  channels.push(channel);
  const ui = createEngineClientEndpoint(portTransport(channel.port1));
  const engine = createEngineHostEndpoint(portTransport(channel.port2));
  return { ui, engine };
}

function request(width = 2, height = 2): RunRequest {
  return {
    runId: 1,
    width,
    height,
    pixels: new Uint8ClampedArray(4 * width * height).fill(200),
    options: { strokes: 2, width: 3, preset: 'draft', seed: 0, model: 'embedded' },
    backend: 'cpu',
  };
}

function result(): WireResult {
  return {
    unitPoints: new Float32Array(16).fill(0.5),
    iteration: 3,
    iterations: 3,
    loss: 0.25,
    bestLoss: 0.25,
    elapsedMs: 12,
    etaMs: 0,
    lossInitial: 0.5,
    canvasSize: 224,
    canvasWidth: 3,
    cancelled: false,
    stoppedEarly: false,
    lossHistory: [Infinity, 0.5, 0.25],
    seed: 0,
    perIterationMs: 4,
    totalMs: 12,
  };
}

describe('the engine protocol', () => {
  it('runs: pixels and strokes are transferred, progress arrives in order, a loss not known yet included', async () => {
    const { ui, engine } = connectedPair();
    const sent: Float32Array[] = [];
    engine.on('run', (req) => {
      expect(req.pixels.length).toBe(16);
      engine.notify('progress', {
        runId: req.runId,
        phase: 'init',
        sketch: {
          unitPoints: new Float32Array(16),
          iteration: 0,
          iterations: 3,
          loss: Number.NaN,
          bestLoss: Infinity,
          elapsedMs: 0,
          etaMs: Infinity,
        },
      });
      engine.notify('backend', { runId: req.runId, info: { backend: 'cpu', label: 'CPU', reason: 'you chose the CPU' } });
      const r = result();
      sent.push(r.unitPoints);
      return transferring(r, [r.unitPoints.buffer]);
    });
    const heard: string[] = [];
    ui.on('progress', (p) => void heard.push(`progress ${p.sketch.bestLoss}`));
    ui.on('backend', (p) => void heard.push(`backend ${p.info.label}`));
    engine.connect();
    ui.connect();
    const req = request();
    const got = await ui.emit('run', req, { transfer: [req.pixels.buffer] });
    expect(req.pixels.byteLength).toBe(0);
    expect(sent[0].byteLength).toBe(0);
    expect(Array.from(got.unitPoints)).toEqual(Array(16).fill(0.5));
    expect(got.lossHistory).toEqual([Infinity, 0.5, 0.25]);
    expect(heard).toEqual(['progress Infinity', 'backend CPU']);
  });

  it('refuses a malformed run on either side, and the engine says why', async () => {
    const channel = new MessageChannel();
    channels.push(channel);
    const ui = createEngineClientEndpoint(portTransport(channel.port1));
    const engine = createEngineHostEndpoint(portTransport(channel.port2));
    let ran = false;
    engine.on('run', () => ((ran = true), result()));
    engine.connect();
    ui.connect();
    // The UI checks before sending...
    await expect(ui.emit('run', { ...request(), height: 3 })).rejects.toThrow('payload.pixels: 16 bytes for 2 x 3 RGBA pixels');
    // ...and the engine on arrival, answering with the reason (read here on the raw port).
    ui.fail(new Error('this test reads the port itself'));
    const reply = new Promise<unknown>((resolve) => channel.port1.addEventListener('message', (m) => resolve(m.data), { once: true }));
    const bad = { ...request(), options: { ...request().options, strokes: 0 } };
    channel.port1.postMessage({ proto: 'sketchify-engine/1', kind: 'request', id: 9, type: 'run', payload: bad });
    expect(await reply).toEqual({
      proto: 'sketchify-engine/1',
      kind: 'response',
      id: 9,
      type: 'run',
      ok: false,
      error: { name: 'ProtocolError', message: 'payload.options.strokes: 0 outside [1, 128]' },
    });
    expect(ran).toBe(false);
  });

  it("an engine error arrives as the engine's error (name and fields), ready for describeError", async () => {
    const { ui, engine } = connectedPair();
    engine.on('download', () => {
      throw Object.assign(new Error('the server answered HTTP 404'), { name: 'DownloadError', kind: 'http', status: 404 });
    });
    engine.connect();
    ui.connect();
    const error = await ui.emit('download', { model: 'clip-rn50' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ name: 'DownloadError', message: 'the server answered HTTP 404', kind: 'http', status: 404 });
  });
});
