// Refine in the whole product: dist/ui.html in headless Chromium, the plugin's real sandbox on
// the fake Figma (host.html?sandbox=figma), the embedded model on the CPU. Sketch a photo and
// insert it, edit one stroke by hand, Refine: the edited stroke is untouched, the others moved,
// the loss no worse, and one undo brings the drawing back. Then, with every stroke the user's,
// "+4 strokes" keeps the 4 and adds 4, and "−4 strokes" takes the added 4 away again. Draft
// preset, a few iterations; the notices (losses) go to test-results/ui-refine.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUi, RESULTS_DIR, type UiSession } from '../harness/ui-session.ts';

interface StrokeNode {
  id: string;
  type: string;
  paths: string;
  transform: string;
  style: string;
  points: { x: number; y: number }[];
}

describe('Refine a sketch in Figma (real sandbox, fake Figma)', () => {
  let s: UiSession;
  let groupId = '';
  let imageId = '';
  const notices: string[] = [];
  const waitText = (testId: string, pattern: RegExp) =>
    s.ui.waitForFunction(
      ([id, src]) => new RegExp(src).test(document.querySelector(`[data-testid=${id}]`)?.textContent ?? ''),
      [testId, pattern.source] as const,
      { timeout: 150_000 },
    );
  const waitAttr = (testId: string, attr: string, value: string) =>
    s.ui.waitForFunction(
      ([id, a, v]) => document.querySelector(`[data-testid=${id}]`)?.getAttribute(a) === v,
      [testId, attr, value] as const,
      { timeout: 30_000 },
    );

  /** The group's children as the fake Figma holds them, with their page points. */
  const strokes = () =>
    s.page.evaluate(async (id) => {
      const f = window.__figma;
      const group = await f.node(id);
      return group.children.map((c) => ({
        id: c.id,
        type: c.type,
        paths: JSON.stringify(c.vectorPaths),
        transform: JSON.stringify(c.relativeTransform),
        style: JSON.stringify([c.strokes, c.strokeWeight, c.strokeCap]),
        points: f.fake.absolutePathPoints(c)[0],
      }));
    }, groupId) as Promise<StrokeNode[]>;

  /**
   * The user reshapes these strokes by hand (their control points spread 30 % apart: a vector
   * edit, its own undo step). A shape change, not a drag: dragging every stroke alike is moving
   * the whole sketch, which is no edit.
   */
  const editByHand = (indices: number[]) =>
    s.page.evaluate(
      async ([id, which]) => {
        const f = window.__figma;
        const group = await f.node(id);
        const edited = which.map((i) => group.children[i]);
        for (const v of edited)
          v.vectorPaths = [
            { windingRule: 'NONE', data: v.vectorPaths[0].data.replace(/-?[\d.]+(e-?\d+)?/g, (n) => String(Number(n) * 1.3)) },
          ];
        f.fake.commitUndo();
        f.fake.nodesChanged(edited.map((v) => ({ id: v.id, type: 'PROPERTY_CHANGE' as const })));
      },
      [groupId, indices] as const,
    );

  beforeAll(async () => {
    s = await openUi('?sandbox=figma');
  });
  afterAll(async () => {
    if (process.env.UI_LOGS) console.log(s?.logs.join('\n'));
    await s?.close();
  });

  it('sketch, edit one stroke, Refine: the edit stays, the rest moves, the loss is no worse; one undo restores', async () => {
    imageId = await s.page.evaluate(() => window.__figma.placeImage('horse'));
    await s.page.evaluate((id) => window.__figma.select([id]), imageId);
    await s.ui.getByTestId('thumbnail').waitFor();
    await s.quickRunSettings(4, 8);
    await s.click('run');
    await waitText('summary', /Done after \d+ iterations/);
    await s.click('insert');
    await waitText('notice', /Inserted 4 strokes/);

    groupId = await s.page.evaluate(() => window.__figma.fake.currentPage.selection[0].id);
    await s.page.evaluate((id) => window.__figma.select([id]), groupId);
    await waitAttr('refine-panel', 'data-strokes', '4');
    expect(await s.ui.getByTestId('refine-panel').getAttribute('data-frozen')).toBe('0');

    await editByHand([1]);
    await waitAttr('refine-panel', 'data-frozen', '1');
    const before = await strokes();
    expect(before.map((c) => c.type)).toEqual(['VECTOR', 'VECTOR', 'VECTOR', 'VECTOR']);

    await s.click('refine');
    await waitText('notice', /Refined the sketch/);
    const notice = (await s.ui.getByTestId('notice').textContent()) ?? '';
    notices.push(notice);
    expect(notice).toMatch(/3 strokes redrawn, 1 of yours kept/);
    const [, lossBefore, lossAfter] = /loss ([\d.]+) → ([\d.]+)/.exec(notice)!.map(Number);
    expect(lossAfter).toBeLessThanOrEqual(lossBefore);

    const after = await strokes();
    expect(after.map((c) => c.id)).toEqual(before.map((c) => c.id));
    // The hand-edited stroke: bitwise the same node data.
    expect([after[1].paths, after[1].transform, after[1].style]).toEqual([before[1].paths, before[1].transform, before[1].style]);
    // The others were redrawn: every one of them moved on the page, keeping its style.
    for (const i of [0, 2, 3]) {
      const moved = Math.max(...after[i].points.map((p, k) => Math.hypot(p.x - before[i].points[k].x, p.y - before[i].points[k].y)));
      expect(moved, `stroke ${i} moved ${moved} px`).toBeGreaterThan(0.01);
      expect(after[i].style).toBe(before[i].style);
    }
    const [req] = await s.requests('refineSketch');
    expect((req.payload as { origin: number[] }).origin).toEqual([0, 1, 2, 3]);
    expect(await s.page.evaluate(() => window.__host.rejections)).toEqual([]);

    await s.page.evaluate(() => window.__figma.fake.undo());
    const undone = await strokes();
    expect(undone.map(({ id, paths, transform, style }) => [id, paths, transform, style])).toEqual(
      before.map(({ id, paths, transform, style }) => [id, paths, transform, style]),
    );
  });

  it('"+4 strokes" on a 4-stroke sketch whose strokes are all the user\'s: the 4 stay as they are, 4 are added', async () => {
    await s.page.evaluate((id) => window.__figma.select([id]), groupId); // the UI hears the undone state
    await editByHand([0, 2, 3]);
    await waitAttr('refine-panel', 'data-frozen', '4');
    const before = await strokes();
    await s.click('refine-add');
    await waitText('notice', /Refined the sketch/);
    await expect(s.ui.getByTestId('notice').textContent()).resolves.toMatch(/0 strokes redrawn, 4 of yours kept, 4 added/);
    notices.push((await s.ui.getByTestId('notice').textContent()) ?? '');
    const after = await strokes();
    expect(after).toHaveLength(8);
    expect(after.slice(0, 4).map(({ id, paths, transform, style }) => [id, paths, transform, style])).toEqual(
      before.map(({ id, paths, transform, style }) => [id, paths, transform, style]),
    );
    for (const added of after.slice(4)) {
      expect(added.type).toBe('VECTOR');
      expect(added.style).toBe(before[0].style);
    }
    const name = await s.page.evaluate(async (id) => (await window.__figma.node(id)).name, groupId);
    expect(name).toBe('Sketch · 8 strokes');
  });

  it('Cancel during "−4 strokes" leaves the sketch as it was', async () => {
    await waitAttr('refine-panel', 'data-strokes', '8');
    const before = await strokes();
    await s.click('refine-remove');
    await s.click('cancel');
    await waitText('notice', /Refine stopped: the sketch was not changed/);
    expect(await strokes()).toEqual(before);
    expect(await s.requests('refineSketch')).toHaveLength(2);
  });

  it('"−4 strokes" then removes the 4 added ones (the user\'s strokes are never removed)', async () => {
    await waitAttr('refine-panel', 'data-strokes', '8');
    const before = await strokes();
    await s.click('refine-remove');
    await waitText('notice', /Refined the sketch: 0 strokes redrawn, 4 of yours kept, 4 removed/);
    const after = await strokes();
    expect(after.map(({ id, paths, transform }) => [id, paths, transform])).toEqual(
      before.slice(0, 4).map(({ id, paths, transform }) => [id, paths, transform]),
    );
    notices.push((await s.ui.getByTestId('notice').textContent()) ?? '');
  });

  it('the nested series, offered beside the independent one: 4 · 8 · 16 · 32 strokes, each level drawn from the one above', async () => {
    await s.page.evaluate((id) => window.__figma.select([id]), imageId);
    await s.ui.getByTestId('thumbnail').waitFor();
    await s.click('series-nested');
    await waitText('notice', /Inserted a nested series of 4 sketches/);
    const [req] = await s.requests('insertSeries');
    const sketches = (req.payload as { sketches: { strokes: number[][] }[] }).sketches;
    expect(sketches.map((k) => k.strokes.length)).toEqual([4, 8, 16, 32]);
    // Each level's strokes are strokes of the level above, re-optimized briefly (2 iterations
    // here): every one lies near one of them. Independent sketches share no such strokes.
    const gaps: number[] = [];
    for (let k = 0; k < 3; k++) {
      for (const stroke of sketches[k].strokes) {
        const near = Math.min(...sketches[k + 1].strokes.map((other) => Math.max(...stroke.map((v, i) => Math.abs(v - other[i])))));
        gaps.push(near);
      }
    }
    expect(Math.max(...gaps)).toBeLessThan(0.06);
    writeFileSync(join(RESULTS_DIR, 'ui-refine.json'), `${JSON.stringify({ notices, nestedLargestGap: Math.max(...gaps) }, null, 1)}\n`);
    const name = await s.page.evaluate(() => window.__figma.fake.currentPage.selection[0].name);
    expect(name).toBe('Abstraction series · 4, 8, 16, 32 strokes');
  });
});
