// Refining a sketch in the sandbox: what the insert records on the group, how a later selection
// of that group reads (the user's edits frozen, deleted strokes gone, extra layers left alone,
// the group's own motion undone), and how a refined drawing replaces it in one undo step.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apply, fromRows } from '../../src/common/affine.ts';
import { createUiEndpoint, type RefinableSketch, type RefineSketchRequest, type SelectionState } from '../../src/common/protocol.ts';
import { startPlugin } from '../../src/plugin/start-plugin.ts';
import { decodeRecord, RECORD_KEY } from '../../src/plugin/sketch-record.ts';
import { FakeNode, FigmaFake, imageRect, installFigmaFake, nodeTransform, parsePath } from '../helpers/figma-fake.ts';

let fake: FigmaFake;
let restore: () => void;
let stop: () => void;
let ui: ReturnType<typeof createUiEndpoint>;
let states: SelectionState[];

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
};

beforeEach(async () => {
  ({ fake, restore } = installFigmaFake());
  stop = startPlugin();
  states = [];
  ui = createUiEndpoint(fake.uiTransport());
  ui.on('selection', (s) => void states.push(s));
  ui.connect();
  await ui.emit('ready', {});
});
afterEach(() => {
  stop();
  restore();
});

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
const FOUR = [line([0.1, 0.1], [0.9, 0.1]), line([0.1, 0.3], [0.9, 0.3]), line([0.1, 0.5], [0.9, 0.5]), line([0.1, 0.7], [0.9, 0.7])];

/** A 100 x 100 photo at (40, 30) on the page and a 4-stroke sketch over it, selected; the user's baseline undo step taken. */
async function sketched(strokes = FOUR): Promise<{ img: FakeNode; group: FakeNode }> {
  const hash = fake.addImage(new Uint8Array([1, 2, 3]), 200, 200);
  const img = imageRect(fake, { width: 100, height: 100, paint: { imageHash: hash }, transform: nodeTransform(40, 30) });
  const { nodeId } = await ui.emit('insertSketch', {
    nodeId: img.id,
    canvasSize: 224,
    color: { r: 0.1, g: 0.2, b: 0.3 },
    layout: 'per-stroke',
    placement: 'over',
    sketch: { strokes, width: 3 },
  });
  const group = (await fake.getNodeByIdAsync(nodeId))!;
  return { img, group };
}

async function selectionOf(nodes: FakeNode[]): Promise<SelectionState> {
  fake.select(nodes);
  await settle();
  return states[states.length - 1];
}

async function refinable(group: FakeNode): Promise<RefinableSketch> {
  const s = await selectionOf([group]);
  if (s.status !== 'ready' || s.sketch?.status !== 'refinable')
    throw new Error(`not refinable: ${JSON.stringify(s, (_k, v: unknown) => (v instanceof Uint8Array ? '<bytes>' : v))}`);
  return s.sketch;
}

function expectStrokesClose(actual: number[][], expected: number[][], tol = 1e-4) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((s, i) =>
    s.forEach((v, k) => expect(Math.abs(v - expected[i][k]), `stroke ${i} value ${k}: ${v} vs ${expected[i][k]}`).toBeLessThan(tol)),
  );
}

/** Page position of subject point (u, v) for the photo above (FILL, square: the node itself). */
const onPage = (u: number, v: number) => ({ x: 40 + 100 * u, y: 30 + 100 * v });

describe('plugin: the record of an inserted sketch', () => {
  it('names the image, the mappings and every stroke in order', async () => {
    const { img, group } = await sketched();
    const read = decodeRecord(group.getPluginData(RECORD_KEY));
    expect(read?.ok).toBe(true);
    if (!read?.ok) return;
    expect(read.record.source).toBe(img.id);
    expect(read.record.image).toEqual([200, 200]);
    expect(read.record.strokes.map((s) => s.id)).toEqual(group.children.map((c) => c.id));
    expect(read.record.strokes.every((s) => /^[0-9a-f]{8}$/.test(s.h) && s.f === undefined)).toBe(true);
    const p = apply(read.record.unitToFrame, 0.5, 1);
    expect(p.x).toBeCloseTo(90, 6);
    expect(p.y).toBeCloseTo(130, 6);
  });

  it('every sketch of a series is refinable on its own', async () => {
    const hash = fake.addImage(new Uint8Array([1]), 200, 100);
    const img = imageRect(fake, { width: 200, height: 100, paint: { imageHash: hash } });
    const sketch = (n: number) => ({ strokes: FOUR.slice(0, n), width: 3 });
    const { nodeId } = await ui.emit('insertSeries', {
      nodeId: img.id,
      canvasSize: 224,
      color: { r: 0, g: 0, b: 0 },
      layout: 'per-stroke',
      placement: 'beside',
      sketches: [sketch(2), sketch(4)],
    });
    const series = (await fake.getNodeByIdAsync(nodeId))!;
    expect(decodeRecord(series.getPluginData(RECORD_KEY))).toBeNull();
    const second = series.children.find((g) => g.children.length === 4)!;
    const target = await refinable(second);
    expectStrokesClose(target.strokes, FOUR);
  });
});

describe('plugin: reading a selected sketch', () => {
  it('an untouched sketch: every stroke as inserted, none frozen', async () => {
    const { img, group } = await sketched();
    const s = await selectionOf([group]);
    expect(s).toMatchObject({
      status: 'ready',
      source: { nodeId: img.id },
      sketch: { status: 'refinable', groupId: group.id, frozen: [], edited: 0, deleted: 0, extras: 0, width: 3, canvasSize: 224 },
    });
    if (s.status === 'ready' && s.sketch?.status === 'refinable') {
      expectStrokesClose(s.sketch.strokes, FOUR);
      expect(s.sketch.unitToImage).toEqual([200, 0, 0, 0, 200, 0]);
    }
  });

  it('a stroke reshaped or dragged by hand is frozen; moving the whole group is no edit', async () => {
    const { group } = await sketched();
    const [a, , c] = group.children;
    a.vectorPaths = [{ windingRule: 'NONE', data: 'M 0 0 C 10 20 30 20 40 0' }];
    const t = fromRows(c.relativeTransform);
    c.relativeTransform = [
      [1, 0, t[2] + 7],
      [0, 1, t[5] - 3],
    ];
    let target = await refinable(group);
    expect(target.frozen).toEqual([0, 2]);
    expect(target.edited).toBe(2);
    expectStrokesClose([target.strokes[1], target.strokes[3]], [FOUR[1], FOUR[3]]);
    expectStrokesClose([target.strokes[2]], [FOUR[2].map((v, i) => v + (i % 2 === 0 ? 0.07 : -0.03))]);
    // Drag the whole sketch 50 px right: children move together, nothing reads as edited.
    for (const n of group.children) {
      const m = fromRows(n.relativeTransform);
      n.relativeTransform = [
        [m[0], m[1], m[2] + 50],
        [m[3], m[4], m[5]],
      ];
    }
    target = await refinable(group);
    expect(target.frozen).toEqual([0, 2]);
    expectStrokesClose([target.strokes[1]], [FOUR[1]]);
  });

  it('a stroke edited while the plugin is open: the UI hears the new state', async () => {
    const { group } = await sketched();
    const before = await refinable(group);
    const count = states.length;
    group.children[1].vectorPaths = [{ windingRule: 'NONE', data: 'M 0 0 C 10 20 30 20 40 0' }];
    fake.nodesChanged([{ id: group.children[1].id, type: 'PROPERTY_CHANGE' }]);
    fake.nodesChanged([{ id: group.children[1].id, type: 'PROPERTY_CHANGE' }]);
    await new Promise((r) => setTimeout(r, 250));
    await settle();
    expect(states.length).toBe(count + 1); // two changes, one message
    const now = states[states.length - 1];
    expect(now.status === 'ready' && now.sketch?.status === 'refinable' && now.sketch.frozen).toEqual([1]);
    expect(now.status === 'ready' && now.sketch?.status === 'refinable' && now.sketch.stateKey).not.toBe(before.stateKey);
    // Changes elsewhere on the page say nothing.
    fake.nodesChanged([{ id: fake.createRectangle().id, type: 'PROPERTY_CHANGE' }]);
    await new Promise((r) => setTimeout(r, 250));
    expect(states.length).toBe(count + 1);
  });

  it('deleted strokes are gone, extra layers are left out, a reshaped stroke gives one frozen curve per segment', async () => {
    const { group } = await sketched();
    group.children[1].remove();
    const note = fake.createRectangle();
    group.appendChild(note);
    group.children[0].vectorPaths = [{ windingRule: 'NONE', data: 'M 0 0 L 30 0 Q 40 10 30 20 Z' }];
    const target = await refinable(group);
    expect(target).toMatchObject({ deleted: 1, extras: 1, edited: 1, frozen: [0, 1, 2] });
    expect(target.strokes).toHaveLength(5);
  });

  it('a sketch whose image was deleted: a clear problem', async () => {
    const { img, group } = await sketched();
    img.remove();
    const s = await selectionOf([group]);
    expect(s).toMatchObject({ status: 'problem', code: 'source-missing' });
    if (s.status === 'problem') expect(s.message).toMatch(/image “Sketch · 4 strokes” was drawn from was deleted/);
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['a newer version', JSON.stringify({ v: 9 }), /newer Sketchify/],
    ['a damaged field', JSON.stringify({ v: 1, source: 'x' }), /damaged \(record\.image: missing\)/],
  ])('a tampered record (%s) reads as unrefinable, with the reason', async (_name, text, reason) => {
    const { group } = await sketched();
    group.setPluginData(RECORD_KEY, text);
    const s = await selectionOf([group]);
    expect(s.status === 'ready' && s.sketch?.status === 'unrefinable' && s.sketch.message).toMatch(reason);
  });
});

describe('plugin: applying a refined drawing', () => {
  const request = (t: RefinableSketch, strokes: number[][], origin: number[]): RefineSketchRequest => ({
    groupId: t.groupId,
    stateKey: t.stateKey,
    strokes,
    origin,
    color: { r: 1, g: 0, b: 0 },
  });
  const shift = (s: number[], dy: number) => s.map((v, i) => (i % 2 === 1 ? v + dy : v));

  it('keeps the user’s stroke, redraws the others in place, adds and removes, in one undo step', async () => {
    const { group } = await sketched();
    const page = fake.currentPage;
    const index = page.children.indexOf(group);
    const [edited, , , last] = group.children;
    edited.vectorPaths = [{ windingRule: 'NONE', data: 'M 0 0 C 10 20 30 20 40 0' }];
    edited.strokes = [{ type: 'SOLID', color: { r: 0, g: 1, b: 0 } }];
    edited.strokeWeight = 5;
    fake.commitUndo(); // the user's edit is its own undo step
    const editedBefore = JSON.stringify([edited.vectorPaths, edited.relativeTransform, edited.strokes, edited.strokeWeight]);
    const beforeRefine = group.children.map((c) => JSON.stringify([c.id, c.vectorPaths, c.relativeTransform]));
    const commits = fake.undoCommits;

    const t = await refinable(group);
    expect(t.frozen).toEqual([0]);
    // Engine answer: the frozen stroke, strokes 1 and 2 moved down by 0.05, stroke 3 removed, one added.
    const added = line([0.2, 0.9], [0.8, 0.9]);
    const result = await ui.emit(
      'refineSketch',
      request(t, [t.strokes[0], shift(t.strokes[1], 0.05), shift(t.strokes[2], 0.05), added], [0, 1, 2, -1]),
    );
    expect(result).toEqual({ nodeId: group.id, vectorCount: 4, kept: 1, moved: 2, added: 1, removed: 1 });

    expect(page.children.indexOf(group)).toBe(index);
    expect(group.removed).toBe(false);
    expect(group.name).toBe('Sketch · 4 strokes');
    expect(last.removed).toBe(true);
    expect(group.children[0]).toBe(edited);
    expect(JSON.stringify([edited.vectorPaths, edited.relativeTransform, edited.strokes, edited.strokeWeight])).toBe(editedBefore);
    const [, one, two, fresh] = group.children;
    const pts = (n: FakeNode) => fake.absolutePathPoints(n)[0];
    for (const [node, y] of [
      [one, 0.35],
      [two, 0.55],
      [fresh, 0.9],
    ] as const) {
      const x0 = node === fresh ? 0.2 : 0.1;
      expect(pts(node)[0].x).toBeCloseTo(onPage(x0, y).x, 2);
      expect(pts(node)[0].y).toBeCloseTo(onPage(x0, y).y, 2);
    }
    expect(fresh.strokes).toEqual(one.strokes); // style copied from an untouched stroke
    expect(fresh.strokeWeight).toBeCloseTo(one.strokeWeight, 9);
    expect(fake.undoCommits).toBe(commits + 1);
    expect(page.selection).toEqual([group]);
    expect(fake.notifications.at(-1)?.message).toBe('Refined the sketch: 2 strokes redrawn, 1 of yours kept, 1 added, 1 removed');

    // The new record: the user's stroke stays frozen; the redrawn ones read back untouched.
    const again = await refinable(group);
    expect(again.frozen).toEqual([0]);
    expectStrokesClose(again.strokes.slice(1), [shift(FOUR[1], 0.05), shift(FOUR[2], 0.05), added], 1e-3);

    fake.undo();
    expect(group.children.map((c) => JSON.stringify([c.id, c.vectorPaths, c.relativeTransform]))).toEqual(beforeRefine);
    expect(last.removed).toBe(false);
    expect(fresh.removed).toBe(true);
  });

  it('renames an automatic name when the count changes, and keeps the user’s own name', async () => {
    const { group } = await sketched();
    let t = await refinable(group);
    const more = [...t.strokes, line([0, 0], [1, 1]), line([1, 0], [0, 1])];
    await ui.emit('refineSketch', request(t, more, [0, 1, 2, 3, -1, -1]));
    expect(group.name).toBe('Sketch · 6 strokes');
    group.name = 'My horse';
    t = await refinable(group);
    await ui.emit('refineSketch', request(t, t.strokes.slice(0, 2), [0, 1]));
    expect(group.name).toBe('My horse');
    expect(group.children).toHaveLength(2);
  });

  it('refuses a drawing for a sketch that changed meanwhile, and an origin that does not fit, changing nothing', async () => {
    const { group } = await sketched();
    const t = await refinable(group);
    const before = JSON.stringify(group.children.map((c) => [c.id, c.vectorPaths, c.relativeTransform]));
    const commits = fake.undoCommits;
    await expect(ui.emit('refineSketch', request(t, t.strokes, [0, 1, 2, 9]))).rejects.toThrow(/continues stroke 10, but the sketch had 4/);
    await expect(ui.emit('refineSketch', request(t, t.strokes, [0, 1, 1, 2]))).rejects.toThrow(/two strokes continue stroke 2/);
    await expect(ui.emit('refineSketch', request(t, t.strokes, [0, 1, 2]))).rejects.toThrow(/4 strokes came with 3 origins/);
    await expect(ui.emit('refineSketch', request(t, [[0, 0, 1e7, 0, 0, 0, 0, 0], ...t.strokes.slice(1)], [0, 1, 2, 3]))).rejects.toThrow(
      /outside \[-100, 100\]/,
    );
    group.children[3].vectorPaths = [{ windingRule: 'NONE', data: 'M 0 0 C 1 1 2 2 3 3' }];
    const edited = JSON.stringify(group.children.map((c) => [c.id, c.vectorPaths, c.relativeTransform]));
    await expect(ui.emit('refineSketch', request(t, t.strokes, [0, 1, 2, 3]))).rejects.toThrow(/changed while it was being refined/);
    expect(JSON.stringify(group.children.map((c) => [c.id, c.vectorPaths, c.relativeTransform]))).toBe(edited);
    expect(edited).not.toBe(before);
    expect(fake.undoCommits).toBe(commits);
  });

  it('places added strokes where the group is now, after the whole sketch was moved', async () => {
    const { group } = await sketched();
    for (const n of group.children) {
      const m = fromRows(n.relativeTransform);
      n.relativeTransform = [
        [m[0], m[1], m[2] + 50],
        [m[3], m[4], m[5] + 10],
      ];
    }
    const t = await refinable(group);
    await ui.emit('refineSketch', request(t, [...t.strokes, line([0, 1], [1, 1])], [0, 1, 2, 3, -1]));
    const p = fake.absolutePathPoints(group.children[4])[0];
    expect(p[0].x).toBeCloseTo(onPage(0, 1).x + 50, 2);
    expect(p[3].y).toBeCloseTo(onPage(1, 1).y + 10, 2);
    expect(parsePath(group.children[4].vectorPaths[0].data)).toHaveLength(8);
  });
});
