// Puts a refined drawing into the sketch group it came from, in one undo step: the user's
// strokes stay exactly as they are, re-optimized strokes get their new path (node, name and
// style kept), added strokes copy a stroke's style, strokes the engine removed are deleted.
// The group itself stays (its id, name, parent and place in the layers), as do children
// Sketchify did not make. Everything is checked against the group as it is now before
// anything changes: a sketch edited while the engine ran is refused, not overwritten.

import { compose, fromRows, invert, toRows, type Affine } from '../common/affine.ts';
import type { RefineResult, RefineSketchRequest } from '../common/protocol.ts';
import { buildStrokePaths } from './build-stroke-paths.ts';
import { notifyShort } from './notify-short.ts';
import { readSketchState, type SketchReading } from './read-sketch-async.ts';
import { decodeRecord, encodeRecord, RECORD_KEY, roundAffine, strokeEntry } from './sketch-record.ts';

const AUTO_NAME = /^Sketch · \d+ strokes?$/;
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

type Step = { kind: 'keep'; vector: VectorNode } | { kind: 'move'; vector: VectorNode; path: string } | { kind: 'add'; path: string };

async function readAgainAsync(req: RefineSketchRequest): Promise<SketchReading> {
  const node = await figma.getNodeByIdAsync(req.groupId);
  if (!node || node.removed || !('children' in node)) throw new Error('The sketch to refine no longer exists. Select it and refine again.');
  const text = (node as SceneNode).getPluginData(RECORD_KEY);
  const read = decodeRecord(text);
  if (!read?.ok) throw new Error('The selected layer is no longer a sketch Sketchify can refine.');
  const reading = readSketchState(node as SceneNode, read.record, text);
  if (typeof reading === 'string') throw new Error(`The sketch cannot be refined: ${reading}.`);
  if (reading.state.stateKey !== req.stateKey)
    throw new Error('The sketch changed while it was being refined; nothing was replaced. Refine it again.');
  return reading;
}

/** One step per output stroke; throws before anything changes when the engine's answer does not fit. */
function plan(req: RefineSketchRequest, reading: SketchReading, frameMap: Affine): Step[] {
  if (req.origin.length !== req.strokes.length) throw new Error(`${req.strokes.length} strokes came with ${req.origin.length} origins`);
  const { state, strokeOf, report } = reading;
  const frozen = new Set(state.frozen);
  const byId = new Map(reading.node.children.map((c) => [c.id, c]));
  const vectorOf = (engineIndex: number) => byId.get(report.strokes[strokeOf[engineIndex]].id) as VectorNode;
  const used = new Set<number>();
  return req.strokes.map((stroke, j) => {
    const o = req.origin[j];
    if (o >= state.strokes.length) throw new Error(`stroke ${j + 1} continues stroke ${o + 1}, but the sketch had ${state.strokes.length}`);
    if (o < 0) return { kind: 'add', path: buildStrokePaths([stroke], frameMap)[0] };
    if (frozen.has(o)) return { kind: 'keep', vector: vectorOf(o) };
    if (used.has(o)) throw new Error(`two strokes continue stroke ${o + 1}`);
    used.add(o);
    const vector = vectorOf(o);
    const toLocal = compose(invert(fromRows(vector.relativeTransform)), frameMap);
    return { kind: 'move', vector, path: buildStrokePaths([stroke], toLocal)[0] };
  });
}

function copyStyle(from: VectorNode | undefined, to: VectorNode, fallback: { color: RGB; weight: number }): void {
  to.fills = [];
  if (!from) {
    to.strokes = [{ type: 'SOLID', color: fallback.color }];
    to.strokeWeight = fallback.weight;
    to.strokeCap = 'ROUND';
    to.strokeJoin = 'ROUND';
    return;
  }
  to.strokes = from.strokes.map((p) => ({ ...p }));
  to.strokeWeight = typeof from.strokeWeight === 'number' ? from.strokeWeight : fallback.weight;
  if (typeof from.strokeCap === 'string') to.strokeCap = from.strokeCap;
  to.strokeJoin = typeof from.strokeJoin === 'string' ? from.strokeJoin : 'ROUND';
  if ('dashPattern' in from) to.dashPattern = [...from.dashPattern];
  if ('opacity' in from) to.opacity = from.opacity;
}

export async function refineSketchAsync(req: RefineSketchRequest): Promise<RefineResult> {
  const reading = await readAgainAsync(req);
  const { node: group, record, report } = reading;
  const frameMap = compose(report.motion, record.unitToFrame);
  const steps = plan(req, reading, frameMap);

  const byId = new Map(group.children.map((c) => [c.id, c]));
  const editedIds = new Set(report.strokes.filter((s) => s.edited).map((s) => s.id));
  const untouched = report.strokes.filter((s) => !s.edited).map((s) => byId.get(s.id) as VectorNode);
  const styleFrom = untouched[0] ?? (report.strokes.map((s) => byId.get(s.id)).find((n) => n?.type === 'VECTOR') as VectorNode | undefined);
  const weight = Math.max(0.01, (record.width / record.canvasSize) * Math.max(...record.subject));

  // The drawing order: the engine's, then any of the user's strokes it did not report (never lost).
  const ordered: SceneNode[] = [];
  const created: VectorNode[] = [];
  const before = new Map<VectorNode, { paths: VectorPaths; transform: Transform }>();
  try {
    for (const step of steps) {
      if (step.kind === 'keep') {
        if (!ordered.includes(step.vector)) ordered.push(step.vector);
        continue;
      }
      let vector: VectorNode;
      if (step.kind === 'move') {
        vector = step.vector;
        before.set(vector, { paths: vector.vectorPaths, transform: vector.relativeTransform });
      } else {
        vector = figma.createVector();
        created.push(vector);
        group.appendChild(vector);
        vector.relativeTransform = toRows([1, 0, 0, 0, 1, 0]);
        copyStyle(styleFrom, vector, { color: req.color, weight });
        vector.name = `Stroke ${ordered.length + 1}`;
      }
      vector.vectorPaths = [{ windingRule: 'NONE', data: step.path }];
      ordered.push(vector);
    }
    for (const s of report.strokes) {
      const kept = byId.get(s.id) as SceneNode;
      if (s.edited && !ordered.includes(kept)) ordered.push(kept);
    }
    const base = Math.min(...ordered.map((n) => group.children.indexOf(n)));
    ordered.forEach((n, i) => group.insertChild(base + i, n));
  } catch (e) {
    for (const [vector, was] of before) {
      vector.relativeTransform = was.transform;
      vector.vectorPaths = was.paths;
    }
    for (const v of created) if (!v.removed) v.remove();
    throw e;
  }
  // Removed last: the group is never empty on the way (Figma deletes empty groups).
  const removed = untouched.filter((v) => !ordered.includes(v));
  for (const v of removed) v.remove();

  const strokes = ordered.filter((n): n is VectorNode => n.type === 'VECTOR');
  if (AUTO_NAME.test(group.name)) group.name = `Sketch · ${plural(strokes.length, 'stroke')}`;
  const next = { ...record, unitToFrame: roundAffine(frameMap), strokes: strokes.map((v) => strokeEntry(v, editedIds.has(v.id))) };
  group.setPluginData(RECORD_KEY, encodeRecord(next));
  figma.currentPage.selection = [group as SceneNode];
  figma.commitUndo();

  const result = {
    nodeId: group.id,
    vectorCount: strokes.length,
    kept: strokes.filter((v) => editedIds.has(v.id)).length,
    moved: steps.filter((s) => s.kind === 'move').length,
    added: created.length,
    removed: removed.length,
  };
  const parts = [
    `${plural(result.moved, 'stroke')} redrawn`,
    result.kept ? `${result.kept} of yours kept` : '',
    result.added ? `${result.added} added` : '',
    result.removed ? `${result.removed} removed` : '',
  ];
  notifyShort(`Refined the sketch: ${parts.filter(Boolean).join(', ')}`);
  return result;
}
