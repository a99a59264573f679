import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apply, fromRows, invert, type Affine } from '../../src/common/affine.ts';
import { computePaintLayout } from '../../src/common/paint-geometry.ts';
import { createUiEndpoint, PLUGIN_PROTOCOL, type InsertSketchRequest } from '../../src/common/protocol.ts';
import { MAX_STROKES } from '../../src/common/limits.ts';
import { startPlugin } from '../../src/plugin/start-plugin.ts';
import { SOURCE_KEY } from '../../src/plugin/source-key.ts';
import { FakeNode, FigmaFake, imageRect, installFigmaFake, nodeTransform } from '../helpers/figma-fake.ts';

let fake: FigmaFake;
let restore: () => void;
let stop: () => void;
let ui: ReturnType<typeof createUiEndpoint>;

beforeEach(() => {
  ({ fake, restore } = installFigmaFake());
  stop = startPlugin();
  ui = createUiEndpoint(fake.uiTransport());
  ui.on('selection', () => undefined);
  ui.connect();
});
afterEach(() => {
  stop();
  restore();
});

const IMG = { width: 200, height: 100 };
const TOL = 0.01;

function request(nodeId: string, strokes: number[][], patch: Partial<InsertSketchRequest> = {}): InsertSketchRequest {
  return {
    nodeId,
    canvasSize: 224,
    color: { r: 0.1, g: 0.2, b: 0.3 },
    layout: 'per-stroke',
    placement: 'over',
    sketch: { strokes, width: 3 },
    ...patch,
  };
}

/** A straight cubic from a to b, in subject units. */
const line = (a: [number, number], b: [number, number]) => [
  a[0],
  a[1],
  (2 * a[0] + b[0]) / 3,
  (2 * a[1] + b[1]) / 3,
  (a[0] + 2 * b[0]) / 3,
  (a[1] + 2 * b[1]) / 3,
  b[0],
  b[1],
];

/** Image px -> subject units for this node's paint (what the UI would hand back). */
function imageToUnit(node: FakeNode, x: number, y: number) {
  const p = node.fills[0];
  const layout = computePaintLayout(
    { scaleMode: p.scaleMode!, rotation: p.rotation, scalingFactor: p.scalingFactor, imageTransform: p.imageTransform },
    IMG,
    node,
  );
  const u = apply(invert(layout.unitToImage), x, y);
  return [u.x, u.y] as [number, number];
}

function expectClose(actual: { x: number; y: number }, expected: { x: number; y: number }) {
  expect(Math.abs(actual.x - expected.x), `x ${actual.x} vs ${expected.x}`).toBeLessThan(TOL);
  expect(Math.abs(actual.y - expected.y), `y ${actual.y} vs ${expected.y}`).toBeLessThan(TOL);
}

function snapshot(node: FakeNode) {
  return JSON.stringify({
    fills: node.fills,
    t: node.relativeTransform,
    w: node.width,
    h: node.height,
    name: node.name,
    parent: node.parent?.id,
    index: node.parent?.children.indexOf(node),
    data: [...node.pluginData],
  });
}

describe('plugin: inserting a sketch', () => {
  it('one vector per stroke, styled, grouped directly above the image, one undo step, selected', async () => {
    const hash = fake.addImage(new Uint8Array([1]), IMG.width, IMG.height);
    const below = fake.createRectangle();
    const img = imageRect(fake, { width: 100, height: 100, paint: { imageHash: hash }, transform: nodeTransform(100, 50) });
    const above = fake.createRectangle();
    const before = snapshot(img);
    const result = await ui.emit('insertSketch', request(img.id, [line([0, 0], [1, 0]), line([0, 0], [0, 1])]));

    const page = fake.currentPage;
    const group = page.children[page.children.indexOf(img) + 1];
    expect(page.children.map((n) => n.id)).toEqual([below.id, img.id, group.id, above.id]);
    expect(result).toEqual({ nodeId: group.id, vectorCount: 2 });
    expect(group.type).toBe('GROUP');
    expect(group.name).toBe('Sketch · 2 strokes');
    expect(group.children.map((v) => v.name)).toEqual(['Stroke 1', 'Stroke 2']);
    for (const v of group.children) {
      expect(v.type).toBe('VECTOR');
      expect(v.fills).toEqual([]);
      expect(v.strokes).toEqual([{ type: 'SOLID', color: { r: 0.1, g: 0.2, b: 0.3 } }]);
      expect(v.strokeCap).toBe('ROUND');
      expect(v.strokeJoin).toBe('ROUND');
      expect(v.strokeWeight).toBeCloseTo((3 / 224) * 100, 9);
      expect(v.vectorPaths).toHaveLength(1);
      expect(v.vectorPaths[0].windingRule).toBe('NONE');
      expect(v.vectorPaths[0].data).toMatch(/^M [-\d.]+ [-\d.]+ C( [-\d.]+){6}$/);
    }
    // FILL on a square node: the subject is the node; the top edge runs (100,50) -> (200,50).
    const [top, left] = group.children.map((v) => fake.absolutePathPoints(v)[0]);
    expectClose(top[0], { x: 100, y: 50 });
    expectClose(top[3], { x: 200, y: 50 });
    expectClose(left[3], { x: 100, y: 150 });
    expect(fake.undoCommits).toBe(1);
    expect(page.selection).toEqual([group]);
    expect(fake.notifications).toEqual([{ message: 'Inserted a sketch of 2 strokes', error: false }]);
    expect(snapshot(img)).toBe(before);
    expect(group.getPluginData(SOURCE_KEY)).toBe(img.id);
    expect(group.relaunchData).toEqual({ 'sketch-again': 'Sketch the source image again' });
  });

  // Rotated, mirrored, nested: frame (rotated 30°) > group > image (rotated 90°, flipped) with
  // a rotated FIT paint. An image edge must land where the user sees that edge on the page.
  const nestings: [string, boolean][] = [
    ['vectors re-based by Figma', true],
    ['vectors kept as given', false],
  ];
  it.each(nestings)('rotated and nested nodes (%s)', async (_name, normalize) => {
    fake.normalizeVectors = normalize;
    const hash = fake.addImage(new Uint8Array([1]), IMG.width, IMG.height);
    const frame = fake.createFrame();
    frame.relativeTransform = nodeTransform(300, 120, 30);
    const inner = fake.createFrame();
    frame.appendChild(inner);
    inner.relativeTransform = nodeTransform(-40, 25, -75, true);
    const group = fake.group([fake.createRectangle()], inner, 0);
    const img = imageRect(fake, {
      parent: group,
      width: 100,
      height: 100,
      paint: { imageHash: hash, scaleMode: 'FIT', rotation: 90 },
      transform: nodeTransform(10, 20, 90, true),
    });

    // FIT 90 in 100x100 (see paint-geometry tests): image top edge -> node x = 75, y 0..100;
    // image left edge (x = 0) -> node y = 0, x 75..25.
    const strokes = [line(imageToUnit(img, 0, 0), imageToUnit(img, 200, 0)), line(imageToUnit(img, 0, 0), imageToUnit(img, 0, 100))];
    await ui.emit('insertSketch', request(img.id, strokes));
    const sketch = group.children[group.children.indexOf(img) + 1];
    expect(sketch.name).toBe('Sketch · 2 strokes');
    const abs = fromRows(img.absoluteTransform);
    const [top, left] = sketch.children.map((v) => fake.absolutePathPoints(v)[0]);
    expectClose(top[0], apply(abs, 75, 0));
    expectClose(top[3], apply(abs, 75, 100));
    expectClose(left[3], apply(abs, 25, 0));
    // Control points too: the straight line stays straight on the page.
    expectClose(top[1], apply(abs, 75, 100 / 3));
  });

  it('places the sketch beside the image, along the image’s own x axis', async () => {
    const hash = fake.addImage(new Uint8Array([1]), IMG.width, IMG.height);
    const img = imageRect(fake, { width: 100, height: 100, paint: { imageHash: hash }, transform: nodeTransform(0, 0, 90) });
    await ui.emit('insertSketch', request(img.id, [line([0, 0], [1, 0])], { placement: 'beside' }));
    const gap = 8; // max(8, 5% of 100)
    const pts = fake.absolutePathPoints(fake.currentPage.selection[0].children[0])[0];
    expectClose(pts[0], apply(fromRows(img.absoluteTransform), 100 + gap, 0));
    expectClose(pts[3], apply(fromRows(img.absoluteTransform), 200 + gap, 0));
  });

  it('single-vector layout: one vector holding every stroke, no group', async () => {
    const hash = fake.addImage(new Uint8Array([1]), IMG.width, IMG.height);
    const img = imageRect(fake, { width: 100, height: 50, paint: { imageHash: hash } });
    const result = await ui.emit(
      'insertSketch',
      request(img.id, [line([0, 0], [1, 1]), line([1, 0], [0, 1]), line([0, 0.5], [1, 0.5])], { layout: 'single-vector' }),
    );
    const v = fake.currentPage.children[fake.currentPage.children.indexOf(img) + 1];
    expect(result).toEqual({ nodeId: v.id, vectorCount: 1 });
    expect(v.type).toBe('VECTOR');
    expect(v.name).toBe('Sketch · 3 strokes');
    expect(v.vectorPaths).toHaveLength(3);
    expectClose(fake.absolutePathPoints(v)[1][3], { x: 0, y: 50 });
  });

  it('an abstraction series side by side, one undo step', async () => {
    const hash = fake.addImage(new Uint8Array([1]), IMG.width, IMG.height);
    const img = imageRect(fake, { width: 200, height: 100, paint: { imageHash: hash } });
    const sketch = (n: number) => ({ strokes: Array.from({ length: n }, () => line([0, 0], [1, 1])), width: 3 });
    const { sketch: _one, ...options } = request(img.id, []);
    const result = await ui.emit('insertSeries', {
      ...options,
      placement: 'beside',
      sketches: [sketch(4), sketch(8), sketch(16), sketch(32)],
    });
    const series = fake.currentPage.children[fake.currentPage.children.indexOf(img) + 1];
    expect(result).toEqual({ nodeId: series.id, vectorCount: 60 });
    expect(series.name).toBe('Abstraction series · 4, 8, 16, 32 strokes');
    const names = series.children.map((g) => g.name).sort();
    expect(names).toEqual(['Sketch · 16 strokes', 'Sketch · 32 strokes', 'Sketch · 4 strokes', 'Sketch · 8 strokes']);
    const gap = 10; // 5% of 200
    for (const g of series.children) {
      const k = [4, 8, 16, 32].indexOf(g.children.length);
      const start = fake.absolutePathPoints(g.children[0])[0][0];
      expectClose(start, { x: (k + 1) * (200 + gap), y: 0 });
    }
    expect(fake.undoCommits).toBe(1);
    expect(fake.currentPage.selection).toEqual([series]);
    expect(fake.notifications[0].message).toBe('Inserted 4 sketches side by side');
  });

  it('keeps the sketch out of an auto-layout flow', async () => {
    const hash = fake.addImage(new Uint8Array([1]), IMG.width, IMG.height);
    const frame = fake.createFrame();
    frame.layoutMode = 'HORIZONTAL';
    const img = imageRect(fake, { parent: frame, width: 100, height: 100, paint: { imageHash: hash } });
    await ui.emit('insertSketch', request(img.id, [line([0, 0], [1, 0])]));
    const group = frame.children[frame.children.indexOf(img) + 1];
    expect(group.layoutPositioning).toBe('ABSOLUTE');
    expect(group.children[0].layoutPositioning).toBe('ABSOLUTE');
  });

  it('an image inside an instance: the sketch goes on the page above it, in page coordinates', async () => {
    const hash = fake.addImage(new Uint8Array([1]), IMG.width, IMG.height);
    const instance = new FakeNode(fake, 'INSTANCE', 'Card');
    fake.currentPage.appendChild(instance);
    instance.relativeTransform = nodeTransform(500, 400, 45);
    const img = new FakeNode(fake, 'RECTANGLE', 'Photo');
    instance.children.push(img);
    img.parent = instance;
    img.resize(100, 100);
    img.fills = [{ type: 'IMAGE', scaleMode: 'FILL', imageHash: hash }];
    img.relativeTransform = nodeTransform(10, 10);
    await ui.emit('insertSketch', request(img.id, [line([0, 0], [1, 1])]));
    const page = fake.currentPage;
    const group = page.children[page.children.indexOf(instance) + 1];
    expect(group.type).toBe('GROUP');
    const pts = fake.absolutePathPoints(group.children[0])[0];
    expectClose(pts[3], apply(fromRows(img.absoluteTransform), 100, 100));
  });
});

describe('plugin: insertion errors insert nothing', () => {
  async function setup() {
    const hash = fake.addImage(new Uint8Array([1]), IMG.width, IMG.height);
    const img = imageRect(fake, { width: 100, height: 100, paint: { imageHash: hash }, name: 'Cat' });
    return img;
  }
  const pageCount = () => fake.currentPage.children.length;

  it('the image was deleted', async () => {
    const img = await setup();
    img.remove();
    await expect(ui.emit('insertSketch', request(img.id, [line([0, 0], [1, 1])]))).rejects.toThrow(
      'The image layer no longer exists. Select an image and sketch again.',
    );
    expect(fake.undoCommits).toBe(0);
    expect(fake.notifications[0]).toEqual({ message: 'The image layer no longer exists. Select an image and sketch again.', error: true });
  });

  it('the image fill was hidden meanwhile', async () => {
    const img = await setup();
    img.fills = [{ ...img.fills[0], visible: false }];
    const n = pageCount();
    await expect(ui.emit('insertSketch', request(img.id, [line([0, 0], [1, 1])]))).rejects.toThrow('“Cat” no longer shows an image fill.');
    expect(pageCount()).toBe(n);
  });

  it('a stroke that maps far off the canvas', async () => {
    const img = await setup();
    img.resize(500_000, 500_000);
    const n = pageCount();
    await expect(ui.emit('insertSketch', request(img.id, [line([0, 0], [1, 1]), line([0, 0], [90, 90])]))).rejects.toThrow(
      'stroke 2 lands outside the canvas',
    );
    expect(pageCount()).toBe(n);
    expect(fake.undoCommits).toBe(0);
  });

  // Raw messages as a broken or hostile UI might post them: rejected with a specific error
  // reply before anything is created.
  const bad: [string, (id: string) => unknown, string][] = [
    ['NaN', (id) => request(id, [[0, 0, NaN, 0, 1, 1, 1, 1]]), 'payload.sketch.strokes[0][2]: not finite (NaN)'],
    ['Infinity', (id) => request(id, [[0, 0, 0, 0, Infinity, 1, 1, 1]]), 'payload.sketch.strokes[0][4]: not finite (Infinity)'],
    ['1e9', (id) => request(id, [[1e9, 0, 0, 0, 1, 1, 1, 1]]), 'payload.sketch.strokes[0][0]: 1000000000 outside [-100, 100]'],
    ['wrong arity', (id) => request(id, [[0, 0, 1, 1]]), 'payload.sketch.strokes[0]: expected exactly 8 items, got 4'],
    [
      'too many strokes',
      (id) =>
        request(
          id,
          Array.from({ length: MAX_STROKES + 1 }, () => line([0, 0], [1, 1])),
        ),
      `payload.sketch.strokes: ${MAX_STROKES + 1} items exceeds the limit of ${MAX_STROKES}`,
    ],
  ];
  it.each(bad)('malformed strokes: %s', async (_name, make, message) => {
    const img = await setup();
    const n = pageCount();
    const replies: unknown[] = [];
    const transport = fake.uiTransport();
    transport.subscribe((m) => replies.push(m));
    transport.post({ proto: PLUGIN_PROTOCOL, kind: 'request', id: 1, type: 'insertSketch', payload: make(img.id) });
    for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
    expect(replies).toContainEqual({
      proto: PLUGIN_PROTOCOL,
      kind: 'response',
      id: 1,
      type: 'insertSketch',
      ok: false,
      error: { name: 'ProtocolError', message },
    });
    expect(pageCount()).toBe(n);
    expect(fake.undoCommits).toBe(0);
  });

  it.each([
    [
      'unknown type',
      { proto: PLUGIN_PROTOCOL, kind: 'request', id: 2, type: 'insertEverything', payload: {} },
      'message: unknown type "insertEverything"',
    ],
    ['wrong version', { proto: 'sketchify-plugin/99', kind: 'request', id: 3, type: 'insertSketch', payload: {} }, undefined],
  ] as [string, object, string | undefined][])('malformed message: %s', async (_name, raw, message) => {
    await setup();
    const n = pageCount();
    const replies: unknown[] = [];
    const transport = fake.uiTransport();
    transport.subscribe((m) => replies.push(m));
    transport.post(raw);
    for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
    // A message of another protocol (or version) cannot be answered in ours: it is dropped.
    if (message) expect(replies).toContainEqual(expect.objectContaining({ ok: false, error: { name: 'ProtocolError', message } }));
    else expect(replies).toEqual([]);
    expect(pageCount()).toBe(n);
  });
});

describe('buildStrokePaths via the frame map', () => {
  it('maps subject units through an arbitrary affine frame', async () => {
    const { buildStrokePaths } = await import('../../src/plugin/build-stroke-paths.ts');
    const m: Affine = [2, 0, 10, 0, 3, -5];
    expect(buildStrokePaths([[0, 0, 0.5, 0, 1, 0.25, 1, 1]], m)).toEqual(['M 10 -5 C 11 -5 12 -4.25 12 -2']);
    expect(() => buildStrokePaths([[0, 0, 0, 0]], m)).toThrow('stroke 1 has 4 numbers; a cubic needs 8');
  });
});
