// Inserts one sketch, or an abstraction series side by side, as native vectors over (or
// beside) the image: one undo step, the result selected, the image untouched.

import { compose, translate, type Affine } from '../common/affine.ts';
import { computePaintLayout } from '../common/paint-geometry.ts';
import type { InsertOptions, InsertResult, SketchPayload } from '../common/protocol.ts';
import { seriesSlotX } from '../common/series.ts';
import { buildStrokePaths } from './build-stroke-paths.ts';
import { createStrokeVector } from './create-stroke-vector.ts';
import { displayName } from './display-name.ts';
import { findImagePaint } from './find-image-paint.ts';
import { notifyShort } from './notify-short.ts';
import { resolveInsertionTarget } from './resolve-insertion-target.ts';
import { encodeRecord, RECORD_KEY, RECORD_VERSION, roundAffine, strokeEntry, type SketchRecord } from './sketch-record.ts';
import { SOURCE_KEY } from './source-key.ts';

export const RELAUNCH_COMMAND = 'sketch-again';

const plural = (n: number) => `${n} stroke${n === 1 ? '' : 's'}`;

async function readLayoutAsync(nodeId: string) {
  const node = await figma.getNodeByIdAsync(nodeId);
  if (!node || node.removed || !('visible' in node)) throw new Error('The image layer no longer exists. Select an image and sketch again.');
  const scene = node as SceneNode & LayoutMixin;
  const lookup = findImagePaint(scene);
  if (lookup.kind !== 'visible') throw new Error(`${displayName(scene)} no longer shows an image fill. Select an image and sketch again.`);
  const image = lookup.paint.imageHash ? figma.getImageByHash(lookup.paint.imageHash) : null;
  if (!image) throw new Error(`The image in ${displayName(scene)} is not available in this file.`);
  const size = await image.getSizeAsync();
  const t = lookup.paint.imageTransform;
  const layout = computePaintLayout(
    { ...lookup.paint, imageTransform: t ? ([...t[0], ...t[1]] as unknown as Affine) : undefined },
    size,
    scene,
  );
  return { node: scene, layout, size };
}

export async function insertSketchesAsync(options: InsertOptions, sketches: readonly SketchPayload[]): Promise<InsertResult> {
  const { node, layout, size } = await readLayoutAsync(options.nodeId);
  const target = resolveInsertionTarget(node);
  const firstSlot = options.placement === 'beside' ? 1 : 0;
  const longSide = Math.max(layout.subject.width, layout.subject.height);

  // Map and check every stroke before creating anything.
  const planned = sketches.map((sketch, k) => {
    const toLocal = compose(translate(seriesSlotX(firstSlot + k, node.width), 0), layout.unitToNode);
    return {
      sketch,
      toLocal,
      paths: buildStrokePaths(sketch.strokes, toLocal),
      weight: Math.max(0.01, (sketch.width / options.canvasSize) * longSide),
    };
  });

  const created: SceneNode[] = [];
  try {
    const results = planned.map(({ sketch, toLocal, paths, weight }) => {
      const style = { color: options.color, weight };
      const name = `Sketch · ${plural(sketch.strokes.length)}`;
      if (options.layout === 'single-vector') {
        const vector = createStrokeVector(target, paths, style, name);
        created.push(vector);
        return vector;
      }
      const vectors = paths.map((path, i) => createStrokeVector(target, [path], style, `Stroke ${i + 1}`));
      created.push(...vectors);
      const group = figma.group(vectors, target.parent, target.index);
      created.push(group);
      group.name = name;
      // What a later refine needs: the image, where subject units land, what each stroke was.
      const record: SketchRecord = {
        v: RECORD_VERSION,
        source: node.id,
        image: [size.width, size.height],
        unitToImage: roundAffine(layout.unitToImage),
        subject: [layout.subject.width, layout.subject.height],
        unitToFrame: roundAffine(compose(target.frame, toLocal)),
        canvasSize: options.canvasSize,
        width: sketch.width,
        strokes: vectors.map((v) => strokeEntry(v)),
      };
      group.setPluginData(RECORD_KEY, encodeRecord(record));
      group.setPluginData(SOURCE_KEY, node.id);
      return group;
    });
    let result: SceneNode = results[0];
    if (results.length > 1) {
      result = figma.group(results, target.parent, target.index);
      created.push(result);
      result.name = `Abstraction series · ${sketches.map((s) => s.strokes.length).join(', ')} strokes`;
    }
    if ('layoutMode' in target.parent && target.parent.layoutMode !== 'NONE' && 'layoutPositioning' in result)
      result.layoutPositioning = 'ABSOLUTE';
    result.setPluginData(SOURCE_KEY, node.id);
    result.setRelaunchData({ [RELAUNCH_COMMAND]: 'Sketch the source image again' });
    figma.currentPage.selection = [result];
    figma.commitUndo();
    const vectorCount = planned.reduce((n, p) => n + (options.layout === 'single-vector' ? 1 : p.paths.length), 0);
    notifyShort(
      sketches.length === 1
        ? `Inserted a sketch of ${plural(sketches[0].strokes.length)}`
        : `Inserted ${sketches.length} sketches side by side`,
    );
    return { nodeId: result.id, vectorCount };
  } catch (e) {
    for (const n of created.reverse()) if (!n.removed) n.remove();
    throw e;
  }
}
