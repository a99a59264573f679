// A selected node that is a sketch Sketchify made: what a refine starts from (strokes in
// subject units, the user's edits frozen), or why it cannot be refined. Reads nodes only.

import { fromRows } from '../common/affine.ts';
import { MAX_STROKES } from '../common/limits.ts';
import type { RefinableSketch, SelectedSketch } from '../common/protocol.ts';
import { detectEdits, type ChildState, type EditReport } from './detect-edits.ts';
import { displayName } from './display-name.ts';
import { findImagePaint } from './find-image-paint.ts';
import { decodeRecord, fingerprint, pathData, RECORD_KEY, type SketchRecord } from './sketch-record.ts';

export type SketchLookup =
  | { kind: 'none' }
  /** The record names an image node that no longer exists. */
  | { kind: 'source-missing'; message: string }
  | { kind: 'sketch'; state: SelectedSketch };

/** What the sandbox knows of a recorded sketch right now; refine-sketch-async.ts reads it again to apply. */
export interface SketchReading {
  node: SceneNode & ChildrenMixin;
  record: SketchRecord;
  report: EditReport;
  /** Engine stroke i -> the report's stroke it draws (an edited vector may give several). */
  strokeOf: number[];
  state: RefinableSketch;
}

function childState(node: SceneNode): ChildState {
  const transform = fromRows(node.relativeTransform);
  if (node.type !== 'VECTOR') return { id: node.id, pathData: null, paths: [], transform };
  const paths = node.vectorPaths;
  return { id: node.id, pathData: pathData(paths), paths: paths.map((p) => p.data), transform };
}

/** The group's recorded sketch, read and checked; a string is the reason it cannot be refined. */
export function readSketchState(node: SceneNode, record: SketchRecord, recordText: string): SketchReading | string {
  if (!('children' in node)) return `${displayName(node)} is no longer a group of strokes`;
  const children = node.children.map(childState);
  const report = detectEdits(record, children);
  if (report.strokes.length === 0) return `every stroke of ${displayName(node)} was deleted`;
  const strokes: number[][] = [];
  const frozen: number[] = [];
  const strokeOf: number[] = [];
  report.strokes.forEach((s, k) => {
    for (const cubic of s.cubics) {
      if (s.edited) frozen.push(strokes.length);
      strokes.push(cubic);
      strokeOf.push(k);
    }
  });
  if (strokes.length === 0) return `none of the strokes of ${displayName(node)} can be read as curves any more`;
  if (strokes.length > MAX_STROKES) return `its edited strokes hold ${strokes.length} curve segments; refining reads up to ${MAX_STROKES}`;
  const stateKey = fingerprint(recordText + JSON.stringify(children));
  const state: RefinableSketch = {
    status: 'refinable',
    groupId: node.id,
    stateKey: `${stateKey}${strokes.length.toString(16)}`,
    strokes,
    frozen,
    unitToImage: record.unitToImage,
    subjectWidth: record.subject[0],
    subjectHeight: record.subject[1],
    width: record.width,
    canvasSize: record.canvasSize,
    edited: report.strokes.filter((s) => s.edited).length,
    deleted: report.deleted,
    extras: report.extras,
  };
  return { node: node as SceneNode & ChildrenMixin, record, report, strokeOf, state };
}

/** Reads `node`'s record: not a sketch, a sketch whose image is gone, or the sketch's state. */
export async function readSketchAsync(node: SceneNode): Promise<SketchLookup> {
  const text = node.getPluginData(RECORD_KEY);
  const read = decodeRecord(text);
  if (read === null) return { kind: 'none' };
  const unrefinable = (why: string): SketchLookup => ({
    kind: 'sketch',
    state: {
      status: 'unrefinable',
      groupId: node.id,
      message: `${displayName(node)} cannot be refined: ${why}. Sketch the image again instead.`.slice(0, 300),
    },
  });
  if (!read.ok) return unrefinable(read.reason);
  const { record } = read;
  const source = await figma.getNodeByIdAsync(record.source);
  if (!source || source.removed || !('visible' in source)) {
    return {
      kind: 'source-missing',
      message: `The image ${displayName(node)} was drawn from was deleted, so it cannot be refined or sketched again. Undo the delete, or select another image.`,
    };
  }
  const lookup = findImagePaint(source as SceneNode);
  if (lookup.kind === 'visible') {
    const image = lookup.paint.imageHash ? figma.getImageByHash(lookup.paint.imageHash) : null;
    const size = image ? await image.getSizeAsync() : null;
    if (size && (size.width !== record.image[0] || size.height !== record.image[1])) {
      return unrefinable(
        `the image in ${displayName(source)} is now ${size.width} × ${size.height} px, not the ${record.image[0]} × ${record.image[1]} px it was drawn on`,
      );
    }
  }
  const reading = readSketchState(node, record, text);
  return typeof reading === 'string' ? unrefinable(reading) : { kind: 'sketch', state: reading.state };
}
