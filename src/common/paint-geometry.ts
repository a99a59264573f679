// Where an ImagePaint puts its image inside a node, and which part of it the user sees.
// Pure: the sandbox sends the result to the UI, the UI samples the image through it, and
// the sandbox maps the returned strokes back with it. Conventions:
// - image pixels: (0,0) top-left of the decoded, unrotated image, y down;
// - node-local: (0,0) the node's top-left, units = the node's width/height;
// - subject: the axis-aligned rectangle of node-local space whose image content is
//   sketched; subject units put its corners at (0,0) and (1,1).
//
// Figma semantics used (plugin typings + API docs):
// - FILL: the (rotated) image scaled to cover the node, centred, cropped by the node.
// - FIT: scaled to fit inside the node, centred, letterboxed.
// - CROP: imageTransform maps the node's unit square (node-local / node size) into the
//   image's unit square (image px / image size); rotation is baked into it.
// - TILE: tiles of image-size x scalingFactor, rotated, repeated from the node's origin.
// - rotation: degrees, a multiple of 90, clockwise on screen (the paint panel's rotate
//   button); applies to FILL, FIT and TILE.

import { compose, fromRows, invert, scale, translate, type Affine } from './affine.ts';

export type ScaleMode = 'FILL' | 'FIT' | 'CROP' | 'TILE';

export interface PaintInput {
  scaleMode: ScaleMode;
  rotation?: number;
  scalingFactor?: number;
  /** Figma's [[a,b,c],[d,e,f]] or the flat Affine. */
  imageTransform?: Affine | readonly (readonly number[])[];
}

export interface Size {
  width: number;
  height: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PaintLayout {
  imageToNode: Affine;
  nodeToImage: Affine;
  /** Node-local rectangle the user sees image content in, and that the sketch covers. */
  subject: Rect;
  unitToNode: Affine;
  unitToImage: Affine;
}

/** Quarter turns clockwise, 0..3. Off-grid angles snap to the nearest quarter (Figma allows none). */
export function quarterTurns(rotation: number | undefined): 0 | 1 | 2 | 3 {
  const q = Math.round((rotation ?? 0) / 90) % 4;
  return ((q + 4) % 4) as 0 | 1 | 2 | 3;
}

/** Image px -> px of the image turned q quarter turns clockwise, and the turned size. */
export function rotateImage(q: 0 | 1 | 2 | 3, image: Size): { map: Affine; size: Size } {
  const { width: w, height: h } = image;
  switch (q) {
    case 0:
      return { map: [1, 0, 0, 0, 1, 0], size: { width: w, height: h } };
    case 1: // top edge -> right edge
      return { map: [0, -1, h, 1, 0, 0], size: { width: h, height: w } };
    case 2:
      return { map: [-1, 0, w, 0, -1, h], size: { width: w, height: h } };
    case 3: // top edge -> left edge
      return { map: [0, 1, 0, -1, 0, w], size: { width: h, height: w } };
  }
}

function asAffine(t: PaintInput['imageTransform']): Affine {
  if (!t) return [1, 0, 0, 0, 1, 0];
  return typeof t[0] === 'number' ? (t as Affine) : fromRows(t as readonly (readonly number[])[]);
}

function check(size: Size, what: string): void {
  if (!(size.width > 0 && size.height > 0 && Number.isFinite(size.width) && Number.isFinite(size.height))) {
    throw new Error(`${what} size must be positive and finite, got ${size.width} x ${size.height}`);
  }
}

export function computePaintLayout(paint: PaintInput, image: Size, node: Size): PaintLayout {
  check(image, 'image');
  check(node, 'node');
  let imageToNode: Affine;
  let subject: Rect = { x: 0, y: 0, width: node.width, height: node.height };

  if (paint.scaleMode === 'CROP') {
    // node px -> node unit -> (imageTransform) -> image unit -> image px
    const nodeToImage = compose(
      scale(image.width, image.height),
      compose(asAffine(paint.imageTransform), scale(1 / node.width, 1 / node.height)),
    );
    imageToNode = invert(nodeToImage);
  } else {
    const turned = rotateImage(quarterTurns(paint.rotation), image);
    const { width: tw, height: th } = turned.size;
    if (paint.scaleMode === 'TILE') {
      const s = paint.scalingFactor ?? 1;
      if (!(s > 0 && Number.isFinite(s))) throw new Error(`TILE scalingFactor must be positive, got ${s}`);
      imageToNode = compose(scale(s, s), turned.map);
      // One tile at the origin, as much of it as the node shows.
      subject = { x: 0, y: 0, width: Math.min(tw * s, node.width), height: Math.min(th * s, node.height) };
    } else {
      const fit = paint.scaleMode === 'FIT';
      const s = (fit ? Math.min : Math.max)(node.width / tw, node.height / th);
      const ox = (node.width - tw * s) / 2;
      const oy = (node.height - th * s) / 2;
      imageToNode = compose(translate(ox, oy), compose(scale(s, s), turned.map));
      if (fit) subject = { x: ox, y: oy, width: tw * s, height: th * s };
    }
  }

  const nodeToImage = invert(imageToNode);
  const unitToNode: Affine = [subject.width, 0, subject.x, 0, subject.height, subject.y];
  return { imageToNode, nodeToImage, subject, unitToNode, unitToImage: compose(nodeToImage, unitToNode) };
}

/**
 * For a canvas of w x h showing the subject: the map image px -> canvas px, in the argument
 * order of CanvasRenderingContext2D.setTransform(a, b, c, d, e, f). Set it, then draw the
 * image at (0, 0) with its natural size; the canvas shows exactly what the node shows.
 */
export function subjectCanvasTransform(
  unitToImage: Affine,
  width: number,
  height: number,
): [number, number, number, number, number, number] {
  const m = compose(scale(width, height), invert(unitToImage));
  return [m[0], m[3], m[1], m[4], m[2], m[5]];
}
