// Where a sketch goes: in the image's parent, directly above the image, in the image's own
// coordinate frame (its relativeTransform, which carries rotation and flips; nested frames
// and groups are handled by Figma's parent chain). Instances cannot take new children: then
// the sketch goes on the page above the instance's top-level layer, in absolute coordinates.

import { fromRows, type Affine } from '../common/affine.ts';

export interface InsertionTarget {
  parent: BaseNode & ChildrenMixin;
  index: number;
  /** Node-local -> the coordinate space of parent's children. */
  frame: Affine;
}

function insideInstance(node: BaseNode): boolean {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'INSTANCE') return true;
  return false;
}

export function resolveInsertionTarget(node: SceneNode): InsertionTarget {
  const parent = node.parent;
  if (!parent || !('children' in parent)) throw new Error('The image layer has no parent to insert the sketch into');
  if (!insideInstance(node)) {
    return {
      parent: parent as BaseNode & ChildrenMixin,
      index: parent.children.indexOf(node) + 1,
      frame: fromRows(node.relativeTransform),
    };
  }
  let top: BaseNode = node;
  while (top.parent && top.parent.type !== 'PAGE') top = top.parent;
  const page = top.parent as PageNode;
  return { parent: page, index: page.children.indexOf(top as SceneNode) + 1, frame: fromRows(node.absoluteTransform) };
}
