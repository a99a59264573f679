// One vector node holding the given paths, styled as a sketch line and placed so that its
// path coordinates are node-local coordinates of the image (frame maps them to the parent).

import { compose, fromRows, toRows, type Affine } from '../common/affine.ts';
import type { InsertionTarget } from './resolve-insertion-target.ts';

export interface StrokeStyle {
  color: RGB;
  weight: number;
}

export function createStrokeVector(target: InsertionTarget, paths: string[], style: StrokeStyle, name: string): VectorNode {
  const vector = figma.createVector();
  target.parent.insertChild(target.index, vector);
  if ('layoutMode' in target.parent && target.parent.layoutMode !== 'NONE') vector.layoutPositioning = 'ABSOLUTE';
  vector.name = name;
  vector.relativeTransform = [
    [1, 0, 0],
    [0, 1, 0],
  ];
  vector.vectorPaths = paths.map((data) => ({ windingRule: 'NONE', data }));
  // Figma may re-base the path at its bounding box and move the node to compensate: keep
  // whatever offset it chose, expressed in the image's frame.
  vector.relativeTransform = toRows(compose(target.frame, fromRows(vector.relativeTransform) as Affine));
  vector.fills = [];
  vector.strokes = [{ type: 'SOLID', color: style.color }];
  vector.strokeWeight = style.weight;
  vector.strokeCap = 'ROUND';
  vector.strokeJoin = 'ROUND';
  return vector;
}
