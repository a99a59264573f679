import { describe, expect, it } from 'vitest';
import { apply, compose, invert, type Affine } from '../../src/common/affine.ts';
import { computePaintLayout, quarterTurns, subjectCanvasTransform, type PaintInput, type Rect } from '../../src/common/paint-geometry.ts';

const IMAGE = { width: 200, height: 100 };
const SQUARE = { width: 100, height: 100 };

type Seg = [number, number, number, number];
interface Row {
  name: string;
  paint: PaintInput;
  node: { width: number; height: number };
  /** A segment along a known image edge, in image px. */
  image: Seg;
  /** Where the user sees it in the node (worked out by hand). */
  expected: Seg;
  subject: Rect;
}

// Image 200x100 in a 100x100 node unless stated. Expected values derived by hand from the
// mode's definition (see paint-geometry.ts), independently of the implementation.
const rows: Row[] = [
  // FILL: scale 1 covers the height; 50 px cropped left and right. Visible image x 50..150.
  {
    name: 'FILL 0: image top -> node top',
    paint: { scaleMode: 'FILL' },
    node: SQUARE,
    image: [50, 0, 150, 0],
    expected: [0, 0, 100, 0],
    subject: { x: 0, y: 0, width: 100, height: 100 },
  },
  {
    name: 'FILL 0: visible left column -> node left',
    paint: { scaleMode: 'FILL' },
    node: SQUARE,
    image: [50, 0, 50, 100],
    expected: [0, 0, 0, 100],
    subject: { x: 0, y: 0, width: 100, height: 100 },
  },
  {
    name: 'FILL 90: image top -> node right',
    paint: { scaleMode: 'FILL', rotation: 90 },
    node: SQUARE,
    image: [50, 0, 150, 0],
    expected: [100, 0, 100, 100],
    subject: { x: 0, y: 0, width: 100, height: 100 },
  },
  {
    name: 'FILL 180: image top -> node bottom, reversed',
    paint: { scaleMode: 'FILL', rotation: 180 },
    node: SQUARE,
    image: [50, 0, 150, 0],
    expected: [100, 100, 0, 100],
    subject: { x: 0, y: 0, width: 100, height: 100 },
  },
  {
    name: 'FILL 270: image top -> node left, upwards',
    paint: { scaleMode: 'FILL', rotation: 270 },
    node: SQUARE,
    image: [50, 0, 150, 0],
    expected: [0, 100, 0, 0],
    subject: { x: 0, y: 0, width: 100, height: 100 },
  },
  {
    name: 'FILL -90 equals 270',
    paint: { scaleMode: 'FILL', rotation: -90 },
    node: SQUARE,
    image: [50, 0, 150, 0],
    expected: [0, 100, 0, 0],
    subject: { x: 0, y: 0, width: 100, height: 100 },
  },
  // FILL on a tall node 50x200: scale 2 covers the height, image 400x200, x offset -175.
  {
    name: 'FILL 0 tall node',
    paint: { scaleMode: 'FILL' },
    node: { width: 50, height: 200 },
    image: [87.5, 100, 112.5, 100],
    expected: [0, 200, 50, 200],
    subject: { x: 0, y: 0, width: 50, height: 200 },
  },
  // FIT: scale 0.5, image 100x50 letterboxed at y 25..75.
  {
    name: 'FIT 0: image top -> letterbox top',
    paint: { scaleMode: 'FIT' },
    node: SQUARE,
    image: [0, 0, 200, 0],
    expected: [0, 25, 100, 25],
    subject: { x: 0, y: 25, width: 100, height: 50 },
  },
  {
    name: 'FIT 0: image right -> letterbox right',
    paint: { scaleMode: 'FIT' },
    node: SQUARE,
    image: [200, 0, 200, 100],
    expected: [100, 25, 100, 75],
    subject: { x: 0, y: 25, width: 100, height: 50 },
  },
  {
    name: 'FIT 90: image top -> pillarbox right',
    paint: { scaleMode: 'FIT', rotation: 90 },
    node: SQUARE,
    image: [0, 0, 200, 0],
    expected: [75, 0, 75, 100],
    subject: { x: 25, y: 0, width: 50, height: 100 },
  },
  {
    name: 'FIT 180: image top -> letterbox bottom',
    paint: { scaleMode: 'FIT', rotation: 180 },
    node: SQUARE,
    image: [0, 0, 200, 0],
    expected: [100, 75, 0, 75],
    subject: { x: 0, y: 25, width: 100, height: 50 },
  },
  {
    name: 'FIT 270: image top -> pillarbox left',
    paint: { scaleMode: 'FIT', rotation: 270 },
    node: SQUARE,
    image: [0, 0, 200, 0],
    expected: [25, 100, 25, 0],
    subject: { x: 25, y: 0, width: 50, height: 100 },
  },
  // CROP: node unit (u,v) -> image unit (0.25u + 0.5, 0.5v + 0.25): the node shows image x 100..150, y 25..75.
  {
    name: 'CROP: window top -> node top',
    paint: {
      scaleMode: 'CROP',
      imageTransform: [
        [0.25, 0, 0.5],
        [0, 0.5, 0.25],
      ],
    },
    node: SQUARE,
    image: [100, 25, 150, 25],
    expected: [0, 0, 100, 0],
    subject: { x: 0, y: 0, width: 100, height: 100 },
  },
  {
    name: 'CROP: window bottom-right corner',
    paint: {
      scaleMode: 'CROP',
      imageTransform: [
        [0.25, 0, 0.5],
        [0, 0.5, 0.25],
      ],
    },
    node: SQUARE,
    image: [150, 25, 150, 75],
    expected: [100, 0, 100, 100],
    subject: { x: 0, y: 0, width: 100, height: 100 },
  },
  // CROP with a quarter turn baked in: image unit (p, q) = (v, 1 - u) on a 100x200 node. Top edge (q=0) is u=1: the right edge.
  {
    name: 'CROP rotated: image top -> node right',
    paint: {
      scaleMode: 'CROP',
      imageTransform: [
        [0, 1, 0],
        [-1, 0, 1],
      ],
    },
    node: { width: 100, height: 200 },
    image: [0, 0, 200, 0],
    expected: [100, 0, 100, 200],
    subject: { x: 0, y: 0, width: 100, height: 200 },
  },
  // CROP mirrored (p = 1 - u): the image's left edge is on the node's right.
  {
    name: 'CROP mirrored: image left -> node right',
    paint: {
      scaleMode: 'CROP',
      imageTransform: [
        [-1, 0, 1],
        [0, 1, 0],
      ],
    },
    node: { width: 200, height: 100 },
    image: [0, 0, 0, 100],
    expected: [200, 0, 200, 100],
    subject: { x: 0, y: 0, width: 200, height: 100 },
  },
  // TILE 0.25: tiles of 50x25 from the origin; the subject is the first tile.
  {
    name: 'TILE 0: image top -> tile top',
    paint: { scaleMode: 'TILE', scalingFactor: 0.25 },
    node: SQUARE,
    image: [0, 0, 200, 0],
    expected: [0, 0, 50, 0],
    subject: { x: 0, y: 0, width: 50, height: 25 },
  },
  {
    name: 'TILE 0: image bottom -> tile bottom',
    paint: { scaleMode: 'TILE', scalingFactor: 0.25 },
    node: SQUARE,
    image: [0, 100, 200, 100],
    expected: [0, 25, 50, 25],
    subject: { x: 0, y: 0, width: 50, height: 25 },
  },
  {
    name: 'TILE 90: image top -> tile right',
    paint: { scaleMode: 'TILE', scalingFactor: 0.25, rotation: 90 },
    node: SQUARE,
    image: [0, 0, 200, 0],
    expected: [25, 0, 25, 50],
    subject: { x: 0, y: 0, width: 25, height: 50 },
  },
  {
    name: 'TILE 180: image top -> tile bottom',
    paint: { scaleMode: 'TILE', scalingFactor: 0.25, rotation: 180 },
    node: SQUARE,
    image: [0, 0, 200, 0],
    expected: [50, 25, 0, 25],
    subject: { x: 0, y: 0, width: 50, height: 25 },
  },
  {
    name: 'TILE 270: image top -> tile left',
    paint: { scaleMode: 'TILE', scalingFactor: 0.25, rotation: 270 },
    node: SQUARE,
    image: [0, 0, 200, 0],
    expected: [0, 50, 0, 0],
    subject: { x: 0, y: 0, width: 25, height: 50 },
  },
  // A tile larger than the node: the subject is the part the node shows.
  {
    name: 'TILE 1: tile clipped by the node',
    paint: { scaleMode: 'TILE', scalingFactor: 1 },
    node: SQUARE,
    image: [0, 0, 100, 0],
    expected: [0, 0, 100, 0],
    subject: { x: 0, y: 0, width: 100, height: 100 },
  },
];

/** Image px -> subject units -> node-local: the round trip a stroke takes. */
function throughSubject(layout: ReturnType<typeof computePaintLayout>, x: number, y: number) {
  const unit = apply(invert(layout.unitToImage), x, y);
  return apply(layout.unitToNode, unit.x, unit.y);
}

describe('computePaintLayout: image edges land on the node edges the user sees', () => {
  it.each(rows)('$name', ({ paint, node, image, expected, subject }) => {
    const layout = computePaintLayout(paint, IMAGE, node);
    const a = throughSubject(layout, image[0], image[1]);
    const b = throughSubject(layout, image[2], image[3]);
    const tol = 0.01;
    expect(Math.abs(a.x - expected[0])).toBeLessThan(tol);
    expect(Math.abs(a.y - expected[1])).toBeLessThan(tol);
    expect(Math.abs(b.x - expected[2])).toBeLessThan(tol);
    expect(Math.abs(b.y - expected[3])).toBeLessThan(tol);
    for (const k of ['x', 'y', 'width', 'height'] as const) expect(layout.subject[k]).toBeCloseTo(subject[k], 9);
    // Also the direct map, without the subject detour.
    const direct = apply(layout.imageToNode, image[0], image[1]);
    expect(Math.abs(direct.x - expected[0]) + Math.abs(direct.y - expected[1])).toBeLessThan(tol);
  });
});

describe('subject maps', () => {
  it('FILL: the subject unit square covers the visible image window', () => {
    const { unitToImage } = computePaintLayout({ scaleMode: 'FILL' }, IMAGE, SQUARE);
    expect(apply(unitToImage, 0, 0)).toEqual({ x: 50, y: 0 });
    expect(apply(unitToImage, 1, 1)).toEqual({ x: 150, y: 100 });
  });

  it('FIT: the subject is the whole image', () => {
    for (const rotation of [0, 90, 180, 270]) {
      const { unitToImage } = computePaintLayout({ scaleMode: 'FIT', rotation }, IMAGE, SQUARE);
      const corners = [apply(unitToImage, 0, 0), apply(unitToImage, 1, 0), apply(unitToImage, 1, 1), apply(unitToImage, 0, 1)];
      const xs = corners.map((c) => Math.round(c.x)).sort((p, q) => p - q);
      const ys = corners.map((c) => Math.round(c.y)).sort((p, q) => p - q);
      expect([xs[0], xs[3], ys[0], ys[3]]).toEqual([0, 200, 0, 100]);
    }
  });

  it('nodeToImage inverts imageToNode for every mode', () => {
    const paints: PaintInput[] = [
      { scaleMode: 'FILL', rotation: 90 },
      { scaleMode: 'FIT', rotation: 270 },
      { scaleMode: 'TILE', scalingFactor: 2, rotation: 180 },
      { scaleMode: 'CROP', imageTransform: [0.3, 0.1, 0.2, -0.1, 0.4, 0.5] as Affine },
    ];
    for (const p of paints) {
      const l = computePaintLayout(p, { width: 640, height: 427 }, { width: 123.4, height: 56.7 });
      const id = compose(l.nodeToImage, l.imageToNode);
      [1, 0, 0, 0, 1, 0].forEach((v, i) => expect(id[i]).toBeCloseTo(v, 9));
    }
  });

  it('subjectCanvasTransform draws the subject onto the canvas in setTransform order', () => {
    const { unitToImage } = computePaintLayout({ scaleMode: 'FILL', rotation: 90 }, IMAGE, SQUARE);
    const [a, b, c, d, e, f] = subjectCanvasTransform(unitToImage, 224, 224);
    // Canvas convention: x' = a x + c y + e, y' = b x + d y + f. Image top-right of the
    // visible window (150, 0) is at the node's bottom-right after a quarter turn clockwise.
    const x = 150;
    const y = 0;
    expect(a * x + c * y + e).toBeCloseTo(224, 9);
    expect(b * x + d * y + f).toBeCloseTo(224, 9);
  });

  it('quarterTurns normalizes any multiple of 90', () => {
    expect([0, 90, 180, 270, 360, -90, -180, 450, 89.6].map(quarterTurns)).toEqual([0, 1, 2, 3, 0, 3, 2, 1, 1]);
  });

  it('says which size is wrong', () => {
    expect(() => computePaintLayout({ scaleMode: 'FILL' }, { width: 0, height: 10 }, SQUARE)).toThrow(
      'image size must be positive and finite, got 0 x 10',
    );
    expect(() => computePaintLayout({ scaleMode: 'FIT' }, IMAGE, { width: 10, height: NaN })).toThrow(
      'node size must be positive and finite, got 10 x NaN',
    );
    expect(() =>
      computePaintLayout(
        {
          scaleMode: 'CROP',
          imageTransform: [
            [0, 0, 0],
            [0, 0, 0],
          ],
        },
        IMAGE,
        SQUARE,
      ),
    ).toThrow('not invertible');
  });
});
