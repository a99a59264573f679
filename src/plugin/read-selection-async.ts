// The selection as the UI sees it: the current image (queue item `index`) ready to sketch,
// or a specific problem, always with the queue of every image the selection offers. One
// selected sketch Sketchify made also says whether (and from what) it can be refined.

import type { SelectionState, SourceQueue } from '../common/protocol.ts';
import { displayName } from './display-name.ts';
import { findImageNodesAsync } from './find-image-nodes-async.ts';
import { readImageSourceAsync } from './read-image-source-async.ts';
import { readSketchAsync } from './read-sketch-async.ts';

export async function readSelectionAsync(selection: readonly SceneNode[], index: number): Promise<SelectionState> {
  if (selection.length === 0) {
    return {
      status: 'problem',
      code: 'nothing-selected',
      message: 'Select a layer with an image fill to sketch it.',
      queue: { index: 0, items: [] },
    };
  }
  const sketch = selection.length === 1 ? await readSketchAsync(selection[0]) : { kind: 'none' as const };
  if (sketch.kind === 'source-missing')
    return { status: 'problem', code: 'source-missing', message: sketch.message, queue: { index: 0, items: [] } };
  const { found, hidden } = await findImageNodesAsync(selection);
  const current = Math.min(Math.max(0, index), Math.max(0, found.length - 1));
  const queue: SourceQueue = { index: current, items: found.map(({ node }) => ({ nodeId: node.id, name: node.name.slice(0, 1000) })) };
  if (found.length === 0) {
    if (hidden.length > 0) {
      const { node, what } = hidden[0];
      const message =
        what === 'layer'
          ? `${displayName(node)} is hidden. Show the layer to sketch its image.`
          : `The image fill of ${displayName(node)} is hidden. Show it in the Fill panel to sketch it.`;
      return { status: 'problem', code: 'hidden', message, queue };
    }
    const what = selection.length === 1 ? `${displayName(selection[0])} has` : 'The selected layers have';
    return { status: 'problem', code: 'no-image', message: `${what} no image fill. Select a photo, or a frame that contains one.`, queue };
  }
  const { node, paint } = found[current];
  const result = await readImageSourceAsync(node as SceneNode & LayoutMixin, paint);
  if (!result.ok) return { status: 'problem', code: result.code, message: result.message, queue };
  if (sketch.kind === 'sketch') return { status: 'ready', source: result.source, queue, sketch: sketch.state };
  return { status: 'ready', source: result.source, queue };
}
