// Every message between the plugin sandbox and the UI iframe, with its runtime schema.
// One table per direction, {name: {request, response}}; the TypeScript map types are
// derived from the tables, so the checked shape and the compiled shape cannot drift.
//
// Coordinates: the UI sketches the "subject" (the part of the image the user sees in the
// node, see paint-geometry.ts). Strokes travel in subject units: (0,0) is the subject's
// top-left, (1,1) its bottom-right, x right, y down; a stroke may leave [0,1]^2 a little
// (padding to a square canvas) but never by more than SUBJECT_COORD_LIMIT.
//
// The UI's side, in order:
//   const plugin = createUiEndpoint(iframeTransport(window));   // iframe-transport.ts
//   plugin.on('selection', (state) => ...);  // source bytes + unitToImage, or a problem
//   plugin.connect();
//   await plugin.emit('ready', {});           // the sandbox then sends 'selection'
//   await plugin.emit('insertSketch', {...}); // resolves {nodeId, vectorCount}, rejects RemoteError
// Draw the subject: ctx.setTransform(...subjectCanvasTransform(source.unitToImage, w, h));
// ctx.drawImage(bitmap, 0, 0) (paint-geometry.ts), w:h = subjectWidth:subjectHeight.

import { createEndpoint, type Endpoint, type EndpointOptions, type MapOf, type Transport } from './rpc/endpoint.ts';
import { array, bool, bytes, empty, literal, num, object, optional, str, tagged, type Infer, type Schema } from './rpc/schema.ts';
import type { Affine } from './affine.ts';
import { MAX_IMAGE_BYTES, MAX_IMAGE_SIDE, MAX_SERIES, MAX_STROKES, MIN_IMAGE_SIDE } from './limits.ts';

export { ProtocolError } from './rpc/schema.ts';
export { type Transport } from './rpc/endpoint.ts';
export { RemoteError } from './rpc/wire-error.ts';

/** Every sandbox/UI message carries it; bumped when a message changes incompatibly. */
export const PLUGIN_PROTOCOL = 'sketchify-plugin/1';

export const MAX_QUEUE = 64; // selected images listed at once
export const SUBJECT_COORD_LIMIT = 100; // |coordinate| in subject units; beyond is absurd
export const MAX_NODE_SIDE = 1e6; // Figma nodes are far smaller; bigger means corrupt data

const finite = (min: number, max: number) => num({ min, max });
const affine = array(finite(-1e9, 1e9), { length: 6, max: 6 }) as unknown as Schema<Affine>;
const id = str({ min: 1, max: 256 });

// ---- sandbox -> UI ---------------------------------------------------------------

const paint = object({
  scaleMode: literal('FILL', 'FIT', 'CROP', 'TILE'),
  /** Degrees, a multiple of 90 (FILL/FIT/TILE). */
  rotation: finite(-36000, 36000),
  /** TILE only: tile size / image pixel size. */
  scalingFactor: finite(1e-4, 1e4),
  /** CROP only: maps the node's unit square into the image's unit square. */
  imageTransform: optional(affine),
});
export type PaintGeometry = Infer<typeof paint>;

/** What the UI needs to sketch exactly the visible part of the image. */
const imageSource = object({
  nodeId: id,
  nodeName: str({ max: 1000 }),
  /** The original encoded file (PNG/JPEG/GIF), uncropped and unrotated. */
  bytes: bytes({ min: 1, max: MAX_IMAGE_BYTES }),
  imageWidth: num({ min: MIN_IMAGE_SIDE, max: MAX_IMAGE_SIDE, integer: true }),
  imageHeight: num({ min: MIN_IMAGE_SIDE, max: MAX_IMAGE_SIDE, integer: true }),
  nodeWidth: finite(0.01, MAX_NODE_SIDE),
  nodeHeight: finite(0.01, MAX_NODE_SIDE),
  paint,
  /** Subject size in node pixels (its aspect ratio is the sketch's). */
  subjectWidth: finite(1e-3, MAX_NODE_SIDE),
  subjectHeight: finite(1e-3, MAX_NODE_SIDE),
  /** Subject unit square -> image pixels. Sample the image through it to get what the user sees. */
  unitToImage: affine,
});
export type ImageSource = Infer<typeof imageSource>;

const queue = object({
  /** Which of the selected images is current. */
  index: num({ min: 0, max: MAX_QUEUE - 1, integer: true }),
  items: array(object({ nodeId: id, name: str({ max: 1000 }) }), { max: MAX_QUEUE }),
});
export type SourceQueue = Infer<typeof queue>;

export const PROBLEM_CODES = [
  'nothing-selected',
  'no-image', // selection has no image fill anywhere
  'hidden', // the image paint or the layer is hidden
  'too-large',
  'too-small',
  'unavailable', // the image bytes could not be read
  'source-missing', // a selected sketch's image was deleted
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

const count = num({ min: 0, max: 100_000, integer: true });
const strokeIndex = num({ min: 0, max: MAX_STROKES - 1, integer: true });

/**
 * A selected sketch group Sketchify made, ready to refine: the strokes to start from and which
 * of them are the user's (edited since the insert: they stay exactly as they are).
 */
const refinable = object({
  status: literal('refinable'),
  groupId: id,
  /** Changes whenever the group does; refineSketch must quote it (the sketch must not have changed meanwhile). */
  stateKey: str({ min: 1, max: 64 }),
  /** Every stroke the engine starts from, in subject units of the subject below. */
  strokes: array(array(finite(-SUBJECT_COORD_LIMIT, SUBJECT_COORD_LIMIT), { length: 8, max: 8 }), { min: 1, max: MAX_STROKES }),
  /** Indices into strokes that never move: the user's edits. */
  frozen: array(strokeIndex, { max: MAX_STROKES }),
  /** The subject the sketch was drawn on (it may differ from the image node's current one). */
  unitToImage: affine,
  subjectWidth: finite(1e-3, MAX_NODE_SIDE),
  subjectHeight: finite(1e-3, MAX_NODE_SIDE),
  /** Stroke width in pixels of a canvasSize canvas, as sketched. */
  width: finite(0.01, 64),
  canvasSize: finite(16, 4096),
  /** Vectors the user edited (kept), recorded strokes deleted, and other children (left alone). */
  edited: count,
  deleted: count,
  extras: count,
});
export type RefinableSketch = Infer<typeof refinable>;
const sketchState = tagged('status', {
  refinable,
  /** A sketch Sketchify made that cannot be refined; message says why, in plain words. */
  unrefinable: object({ status: literal('unrefinable'), groupId: id, message: str({ max: 300 }) }),
});
export type SelectedSketch = Infer<typeof sketchState>;

const selection = tagged('status', {
  /** `sketch`: the selection is one sketch group Sketchify made (its image is the source). */
  ready: object({ status: literal('ready'), source: imageSource, queue, sketch: optional(sketchState) }),
  problem: object({ status: literal('problem'), code: literal(...PROBLEM_CODES), message: str({ max: 300 }), queue }),
});
export type SelectionState = Infer<typeof selection>;

export const PLUGIN_TO_UI = {
  /** The current source changed (selection, queue pick, or after 'ready'). */
  selection: { request: selection, response: empty },
};

// ---- UI -> sandbox ---------------------------------------------------------------

const coord = finite(-SUBJECT_COORD_LIMIT, SUBJECT_COORD_LIMIT);
/** One open cubic: x0 y0 x1 y1 x2 y2 x3 y3 in subject units. */
const stroke = array(coord, { length: 8, max: 8 });
const sketch = object({
  strokes: array(stroke, { min: 1, max: MAX_STROKES }),
  /** Full stroke width in canvas pixels (CLIPasso: 3 at 224). */
  width: finite(0.01, 64),
});
export type SketchPayload = Infer<typeof sketch>;

const insertOptions = {
  /** The node the sketch was made from (ImageSource.nodeId). */
  nodeId: id,
  /** Side of the square canvas the strokes were optimized on (224): it spans the subject's longer side. */
  canvasSize: finite(16, 4096),
  color: object({ r: finite(0, 1), g: finite(0, 1), b: finite(0, 1) }),
  /** 'per-stroke': a group of one vector per stroke; 'single-vector': one vector holding every stroke. */
  layout: literal('per-stroke', 'single-vector'),
  /** 'over': exactly on the visible image; 'beside': to its right, a gap apart. */
  placement: literal('over', 'beside'),
};

const insertSketch = object({ ...insertOptions, sketch });
const insertSeries = object({ ...insertOptions, sketches: array(sketch, { min: 1, max: MAX_SERIES }) });
export type InsertSketchRequest = Infer<typeof insertSketch>;
export type InsertSeriesRequest = Infer<typeof insertSeries>;
export type InsertOptions = Omit<InsertSketchRequest, 'sketch'>;

const inserted = object({
  /** The inserted node (group, or the vector for 'single-vector'); now selected. */
  nodeId: id,
  vectorCount: num({ min: 1, max: MAX_STROKES * MAX_SERIES, integer: true }),
});
export type InsertResult = Infer<typeof inserted>;

const refineSketch = object({
  groupId: id,
  stateKey: str({ min: 1, max: 64 }),
  /** The engine's strokes in subject units, in drawing order; frozen ones are left as they are on the canvas. */
  strokes: array(stroke, { min: 1, max: MAX_STROKES }),
  /** Per stroke: the index of the refinable sketch's stroke it continues, or -1 when added. */
  origin: array(num({ min: -1, max: MAX_STROKES - 1, integer: true }), { min: 1, max: MAX_STROKES }),
  /** Colour for added strokes when the group has no stroke left to copy the style from. */
  color: object({ r: finite(0, 1), g: finite(0, 1), b: finite(0, 1) }),
});
export type RefineSketchRequest = Infer<typeof refineSketch>;
const refined = object({
  nodeId: id,
  vectorCount: num({ min: 1, max: MAX_STROKES, integer: true }),
  /** The user's strokes kept as they were, strokes re-optimized, added and removed. */
  kept: count,
  moved: count,
  added: count,
  removed: count,
});
export type RefineResult = Infer<typeof refined>;

export const UI_TO_PLUGIN = {
  /** The UI is listening; the sandbox replies, then sends the current selection. */
  ready: {
    request: empty,
    response: object({
      command: str({ max: 100 }),
      /** Which window this is; `note` says why it is the built-in one when a hosted one was configured. */
      window: optional(object({ mode: literal('bundled', 'hosted'), note: optional(str({ max: 300 })) })),
    }),
  },
  /** Make queue item `index` the current source. */
  pickSource: { request: object({ index: num({ min: 0, max: MAX_QUEUE - 1, integer: true }) }), response: empty },
  insertSketch: { request: insertSketch, response: inserted },
  /** An abstraction series, laid out side by side in the order given. */
  insertSeries: { request: insertSeries, response: inserted },
  /** Replaces the selected sketch's strokes by a refined drawing (one undo step). */
  refineSketch: { request: refineSketch, response: refined },
  notify: { request: object({ message: str({ min: 1, max: 200 }), error: optional(bool) }), response: empty },
  resize: {
    request: object({ width: num({ min: 240, max: 1600, integer: true }), height: num({ min: 240, max: 1600, integer: true }) }),
    response: empty,
  },
  close: { request: empty, response: empty },
};

export type PluginToUi = MapOf<typeof PLUGIN_TO_UI>;
export type UiToPlugin = MapOf<typeof UI_TO_PLUGIN>;

/** The sandbox's side: receives UiToPlugin, sends PluginToUi. */
export function createPluginEndpoint(transport: Transport, options?: EndpointOptions): Endpoint<UiToPlugin, PluginToUi> {
  return createEndpoint<UiToPlugin, PluginToUi>(
    { protocol: PLUGIN_PROTOCOL, receives: UI_TO_PLUGIN, sends: PLUGIN_TO_UI },
    transport,
    options,
  );
}

/** The iframe's side: receives PluginToUi, sends UiToPlugin. */
export function createUiEndpoint(transport: Transport, options?: EndpointOptions): Endpoint<PluginToUi, UiToPlugin> {
  return createEndpoint<PluginToUi, UiToPlugin>(
    { protocol: PLUGIN_PROTOCOL, receives: PLUGIN_TO_UI, sends: UI_TO_PLUGIN },
    transport,
    options,
  );
}
