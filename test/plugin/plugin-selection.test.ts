import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computePaintLayout } from '../../src/common/paint-geometry.ts';
import { createUiEndpoint, type SelectionState } from '../../src/common/protocol.ts';
import { startPlugin } from '../../src/plugin/start-plugin.ts';
import { SOURCE_KEY } from '../../src/plugin/source-key.ts';
import { FakeNode, FigmaFake, imageRect, installFigmaFake } from '../helpers/figma-fake.ts';

let fake: FigmaFake;
let restore: () => void;
let stop: () => void;
let states: SelectionState[];
let ui: ReturnType<typeof createUiEndpoint>;

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
};
const BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

beforeEach(() => {
  ({ fake, restore } = installFigmaFake());
  stop = startPlugin();
  states = [];
  ui = createUiEndpoint(fake.uiTransport());
  ui.on('selection', (s) => {
    states.push(s);
  });
  ui.connect();
});
afterEach(() => {
  stop();
  restore();
});

async function readyWith(nodes: FakeNode[]): Promise<SelectionState> {
  fake.currentPage.selection = nodes;
  expect(await ui.emit('ready', {})).toEqual({ command: '', window: { mode: 'bundled' } });
  await settle();
  return states[states.length - 1];
}

describe('plugin: reading the selection', () => {
  it('shows the UI with theme colours and sends nothing before the UI is ready', async () => {
    expect(fake.shownUI[0]).toMatchObject({ themeColors: true });
    fake.select([]);
    await settle();
    expect(states).toEqual([]);
  });

  it('nothing selected', async () => {
    expect(await readyWith([])).toEqual({
      status: 'problem',
      code: 'nothing-selected',
      message: 'Select a layer with an image fill to sketch it.',
      queue: { index: 0, items: [] },
    });
  });

  it('a layer without an image fill', async () => {
    const r = fake.createRectangle();
    r.name = 'Box';
    r.fills = [{ type: 'SOLID', color: { r: 1, g: 0, b: 0 } }];
    const s = await readyWith([r]);
    expect(s).toMatchObject({
      status: 'problem',
      code: 'no-image',
      message: '“Box” has no image fill. Select a photo, or a frame that contains one.',
    });
  });

  it('a hidden image fill', async () => {
    const hash = fake.addImage(BYTES, 640, 480);
    const r = imageRect(fake, { width: 100, height: 100, paint: { imageHash: hash, visible: false }, name: 'Cat' });
    expect(await readyWith([r])).toMatchObject({
      status: 'problem',
      code: 'hidden',
      message: 'The image fill of “Cat” is hidden. Show it in the Fill panel to sketch it.',
    });
  });

  it('a hidden layer', async () => {
    const hash = fake.addImage(BYTES, 640, 480);
    const r = imageRect(fake, { width: 100, height: 100, paint: { imageHash: hash }, name: 'Cat' });
    r.visible = false;
    expect(await readyWith([r])).toMatchObject({
      status: 'problem',
      code: 'hidden',
      message: '“Cat” is hidden. Show the layer to sketch its image.',
    });
  });

  it('an image larger than the UI decodes', async () => {
    const hash = fake.addImage(BYTES, 5000, 3000);
    const r = imageRect(fake, { width: 100, height: 60, paint: { imageHash: hash }, name: 'Poster' });
    expect(await readyWith([r])).toMatchObject({
      status: 'problem',
      code: 'too-large',
      message: 'The image in “Poster” is 5000 × 3000 px; Sketchify reads up to 4096 px per side. Use a smaller copy.',
    });
  });

  it('an image too small to sketch', async () => {
    const hash = fake.addImage(BYTES, 12, 40);
    const r = imageRect(fake, { width: 100, height: 60, paint: { imageHash: hash }, name: 'Icon' });
    expect(await readyWith([r])).toMatchObject({
      status: 'problem',
      code: 'too-small',
      message: 'The image in “Icon” is 12 × 40 px; it needs at least 16 px per side.',
    });
  });

  it('an image missing from the file', async () => {
    const r = imageRect(fake, { width: 100, height: 60, paint: { imageHash: 'nope' }, name: 'Ghost' });
    expect(await readyWith([r])).toMatchObject({
      status: 'problem',
      code: 'unavailable',
      message: 'The image in “Ghost” is not available in this file.',
    });
  });

  it('sends the original bytes, sizes and the subject map of the visible region', async () => {
    const hash = fake.addImage(BYTES, 640, 480);
    const r = imageRect(fake, { width: 300, height: 100, paint: { imageHash: hash, scaleMode: 'FIT', rotation: 90 }, name: 'Cat' });
    const s = await readyWith([r]);
    expect(s.status).toBe('ready');
    if (s.status !== 'ready') return;
    const expected = computePaintLayout({ scaleMode: 'FIT', rotation: 90 }, { width: 640, height: 480 }, { width: 300, height: 100 });
    expect(Array.from(s.source.bytes)).toEqual(Array.from(BYTES));
    expect(s.source).toMatchObject({
      nodeId: r.id,
      nodeName: 'Cat',
      imageWidth: 640,
      imageHeight: 480,
      nodeWidth: 300,
      nodeHeight: 100,
      paint: { scaleMode: 'FIT', rotation: 90, scalingFactor: 1 },
    });
    expect(s.source.subjectWidth).toBeCloseTo(75, 9); // 480x640 turned, fit into 300x100: 75x100
    expect(s.source.subjectHeight).toBeCloseTo(100, 9);
    expect(s.source.unitToImage).toEqual(Array.from(expected.unitToImage));
    expect(s.queue).toEqual({ index: 0, items: [{ nodeId: r.id, name: 'Cat' }] });
  });

  it('uses the topmost visible image paint', async () => {
    const below = fake.addImage(BYTES, 100, 100, 'below');
    const above = fake.addImage(BYTES, 200, 100, 'above');
    const r = imageRect(fake, { width: 100, height: 100, paint: { imageHash: below } });
    r.fills = [
      r.fills[0],
      { type: 'IMAGE', scaleMode: 'FILL', imageHash: above },
      { type: 'IMAGE', scaleMode: 'FILL', imageHash: below, visible: false },
    ];
    const s = await readyWith([r]);
    expect(s.status === 'ready' && s.source.imageWidth).toBe(200);
  });

  it('finds images inside a selected frame and queues them; pickSource switches', async () => {
    const a = fake.addImage(BYTES, 100, 100);
    const b = fake.addImage(BYTES, 300, 200);
    const frame = fake.createFrame();
    const group = fake.group([fake.createRectangle()], frame, 0);
    imageRect(fake, { parent: group, width: 50, height: 50, paint: { imageHash: a }, name: 'First' });
    imageRect(fake, { parent: frame, width: 50, height: 50, paint: { imageHash: b }, name: 'Second' });
    const s = await readyWith([frame]);
    expect(s.queue.items.map((i) => i.name)).toEqual(['First', 'Second']);
    expect(s.status === 'ready' && s.source.nodeName).toBe('First');
    await ui.emit('pickSource', { index: 1 });
    await settle();
    const t = states[states.length - 1];
    expect(t.queue.index).toBe(1);
    expect(t.status === 'ready' && t.source.imageWidth).toBe(300);
  });

  it('follows selectionchange', async () => {
    await readyWith([]);
    const hash = fake.addImage(BYTES, 64, 64);
    const r = imageRect(fake, { width: 10, height: 10, paint: { imageHash: hash }, name: 'New' });
    fake.select([r]);
    await settle();
    expect(states.length).toBe(2);
    expect(states[1].status === 'ready' && states[1].source.nodeName).toBe('New');
    fake.select([]);
    await settle();
    expect(states[2].status === 'problem' && states[2].code).toBe('nothing-selected');
  });

  it('a source the protocol cannot carry becomes a specific problem, not silence', async () => {
    const hash = fake.addImage(BYTES, 64, 64);
    const r = imageRect(fake, { width: 10, height: 10, paint: { imageHash: hash, scaleMode: 'TILE', scalingFactor: 1e-6 } });
    expect(await readyWith([r])).toMatchObject({
      status: 'problem',
      code: 'unavailable',
      message: 'Sketchify could not read this selection: selection.source.paint.scalingFactor: 0.000001 outside [0.0001, 10000]',
    });
  });

  it('stops listening when the plugin closes', async () => {
    await readyWith([]);
    fake.fire('close');
    expect(fake.ui.onmessage).toBeUndefined();
    fake.select([]);
    await settle();
    expect(states.length).toBe(1);
  });

  it('a selected sketch leads back to its source image', async () => {
    const hash = fake.addImage(BYTES, 64, 64);
    const photo = imageRect(fake, { width: 10, height: 10, paint: { imageHash: hash }, name: 'Source' });
    const sketch = fake.group([fake.createVector()], fake.currentPage);
    sketch.setPluginData(SOURCE_KEY, photo.id);
    const s = await readyWith([sketch]);
    expect(s.status === 'ready' && s.source.nodeId).toBe(photo.id);
  });
});

describe('plugin: UI housekeeping messages', () => {
  it('tells the UI which command launched it (relaunch button)', async () => {
    fake.command = 'sketch-again';
    expect(await ui.emit('ready', {})).toEqual({ command: 'sketch-again', window: { mode: 'bundled' } });
  });

  it('notify (shortened to Figma’s limit), resize and close', async () => {
    await ui.emit('notify', { message: `${'word '.repeat(39)}end` });
    await ui.emit('notify', { message: 'Model download failed', error: true });
    await ui.emit('resize', { width: 400, height: 700 });
    await ui.emit('close', {});
    expect(fake.notifications[0].message.length).toBeLessThan(100);
    expect(fake.notifications[0].message.endsWith('…')).toBe(true);
    expect(fake.notifications[1]).toEqual({ message: 'Model download failed', error: true });
    expect(fake.shownUI[fake.shownUI.length - 1]).toEqual({ width: 400, height: 700 });
    expect(fake.closed).toBe(true);
  });
});
