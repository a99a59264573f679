// Every image the selection offers, in selection order: selected layers with a visible
// image fill, images inside selected frames/groups, and the source of a selected sketch
// (its plugin data, so "Sketch again" on a sketch finds its photo). Hidden ones are kept
// apart so the UI can say why nothing is there.

import { MAX_QUEUE } from '../common/protocol.ts';
import { findImagePaint } from './find-image-paint.ts';
import { SOURCE_KEY } from './source-key.ts';

export interface ImageNodes {
  found: { node: SceneNode; paint: ImagePaint }[];
  hidden: { node: SceneNode; what: 'layer' | 'fill' }[];
}

export async function findImageNodesAsync(selection: readonly SceneNode[]): Promise<ImageNodes> {
  const result: ImageNodes = { found: [], hidden: [] };
  const seen = new Set<string>();

  const visit = (node: SceneNode, depth: number): void => {
    if (result.found.length >= MAX_QUEUE || seen.has(node.id) || depth > 64) return;
    seen.add(node.id);
    const lookup = findImagePaint(node);
    if (!node.visible) {
      if (lookup.kind !== 'none') result.hidden.push({ node, what: 'layer' });
      return;
    }
    if (lookup.kind === 'visible') result.found.push({ node, paint: lookup.paint });
    else if (lookup.kind === 'hidden') result.hidden.push({ node, what: 'fill' });
    else if ('children' in node) for (const child of node.children) visit(child, depth + 1);
  };

  for (const node of selection) {
    const sourceId = node.getPluginData(SOURCE_KEY);
    const source = sourceId ? await figma.getNodeByIdAsync(sourceId) : null;
    visit(source && 'visible' in source && !source.removed ? (source as SceneNode) : node, 0);
  }
  return result;
}
