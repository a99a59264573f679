// A small typed fake of exactly the plugin API Sketchify's sandbox calls (no complete fake
// exists; figma-api-stub lacks createVector, getImageByHash, commitUndo). It keeps the
// semantics the plugin relies on: relativeTransform is relative to the nearest container
// (page/frame/component/instance; groups have no coordinate space of their own), children
// order is z-order (last = top), messages cross the UI boundary asynchronously and
// structured-cloned, and (optionally) setting vectorPaths re-normalizes the vector so its
// path starts at (0,0) while it stays in place on the canvas. A group left without children
// deletes itself, as in Figma. commitUndo() records the document; undo() goes back to the
// previous record (call commitUndo() once after setting a scene up, as the user's own step).

import { apply, compose, fromRows, IDENTITY, invert, toRows, translate, type Affine } from '../../src/common/affine.ts';
import type { Transport } from '../../src/common/rpc/endpoint.ts';

type Rows = [[number, number, number], [number, number, number]];
type NodeType = 'PAGE' | 'FRAME' | 'GROUP' | 'RECTANGLE' | 'VECTOR' | 'INSTANCE' | 'TEXT';
const CONTAINERS: NodeType[] = ['PAGE', 'FRAME', 'INSTANCE'];

export interface FakePaint {
  type: 'IMAGE' | 'SOLID';
  visible?: boolean;
  opacity?: number;
  scaleMode?: 'FILL' | 'FIT' | 'CROP' | 'TILE';
  imageHash?: string | null;
  imageTransform?: Rows;
  scalingFactor?: number;
  rotation?: number;
  color?: { r: number; g: number; b: number };
}

let nextId = 1;

export class FakeNode {
  readonly id: string;
  name: string;
  visible = true;
  parent: FakeNode | null = null;
  children: FakeNode[] = [];
  fills: FakePaint[] = [];
  strokes: FakePaint[] = [];
  strokeWeight = 1;
  strokeCap = 'NONE';
  strokeJoin = 'MITER';
  layoutMode: 'NONE' | 'HORIZONTAL' | 'VERTICAL' = 'NONE';
  layoutPositioning: 'AUTO' | 'ABSOLUTE' = 'AUTO';
  width = 100;
  height = 100;
  removed = false;
  pluginData = new Map<string, string>();
  relaunchData: Record<string, string> = {};
  private transform: Affine = IDENTITY;
  private paths: { windingRule: string; data: string }[] = [];

  constructor(
    private readonly fake: FigmaFake,
    readonly type: NodeType,
    name = type.toLowerCase(),
    id?: string,
  ) {
    this.id = id ?? `${nextId++}:1`;
    this.name = name;
    fake.track(this);
  }

  get relativeTransform(): Rows {
    return toRows(this.transform);
  }
  set relativeTransform(t: Rows) {
    if (t.flat().some((v) => !Number.isFinite(v))) throw new Error('relativeTransform: non-finite value');
    this.transform = fromRows(t);
  }
  get x(): number {
    return this.transform[2];
  }
  get y(): number {
    return this.transform[5];
  }
  /** Degrees counter-clockwise on screen, as Figma reports it. */
  get rotation(): number {
    return (Math.atan2(-this.transform[3], this.transform[0]) * 180) / Math.PI;
  }
  get absoluteTransform(): Rows {
    return toRows(compose(this.frameOfChildren(this.parent), this.transform));
  }

  /** Absolute transform of the coordinate space a child of `node` is positioned in. */
  private frameOfChildren(node: FakeNode | null): Affine {
    if (!node || node.type === 'PAGE') return IDENTITY;
    if (CONTAINERS.includes(node.type)) return fromRows(node.absoluteTransform);
    return this.frameOfChildren(node.parent); // groups: their parent's space
  }

  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
  }

  get vectorPaths(): { windingRule: string; data: string }[] {
    return this.paths;
  }
  set vectorPaths(paths: { windingRule: string; data: string }[]) {
    const parsed = paths.map((p) => parsePath(p.data));
    if (!this.fake.normalizeVectors) {
      this.paths = paths.map((p) => ({ ...p }));
      return;
    }
    // Like Figma: the path is re-based at its bounding box's top-left, the node moves to compensate.
    const all = parsed.flat();
    const mx = Math.min(...all.filter((_, i) => i % 2 === 0));
    const my = Math.min(...all.filter((_, i) => i % 2 === 1));
    this.paths = paths.map((p, k) => ({ windingRule: p.windingRule, data: rebase(p.data, parsed[k], mx, my) }));
    this.transform = compose(this.transform, translate(mx, my));
  }

  insertChild(index: number, child: FakeNode): void {
    if (this.type === 'INSTANCE') throw new Error('Cannot insert into an instance');
    child.detach();
    this.children.splice(index, 0, child);
    child.parent = this;
  }
  appendChild(child: FakeNode): void {
    this.insertChild(this.children.length, child);
  }
  private detach(): void {
    const parent = this.parent;
    if (parent) parent.children.splice(parent.children.indexOf(this), 1);
    this.parent = null;
    if (parent?.type === 'GROUP' && parent.children.length === 0 && !parent.removed) parent.remove();
  }
  remove(): void {
    this.detach();
    this.removed = true;
    for (const c of [...this.children]) c.remove();
  }

  /** PageNode.on('nodechange'): fired by FigmaFake.nodesChanged. */
  readonly nodeChangeHandlers: ((event: unknown) => void)[] = [];
  on(event: 'nodechange', handler: (event: unknown) => void): void {
    if (this.type !== 'PAGE') throw new Error(`${this.type}.on: only pages have events`);
    if (event === 'nodechange') this.nodeChangeHandlers.push(handler);
  }
  off(event: 'nodechange', handler: (event: unknown) => void): void {
    const i = this.nodeChangeHandlers.indexOf(handler);
    if (event === 'nodechange' && i >= 0) this.nodeChangeHandlers.splice(i, 1);
  }

  getPluginData(key: string): string {
    return this.pluginData.get(key) ?? '';
  }
  setPluginData(key: string, value: string): void {
    this.pluginData.set(key, value);
  }
  setRelaunchData(data: Record<string, string>): void {
    this.relaunchData = { ...data };
  }
}

/** Numbers of an M/L/Q/C/Z path (coordinate pairs only), in order. */
export function parsePath(data: string): number[] {
  const tokens = data.trim().split(/[\s,]+/);
  if (tokens[0] !== 'M') throw new Error(`vectorPaths: path must start with M: ${data}`);
  const nums: number[] = [];
  for (const t of tokens) {
    if (t === 'M' || t === 'C' || t === 'L' || t === 'Q' || t === 'Z') continue;
    const v = Number(t);
    if (!Number.isFinite(v)) throw new Error(`vectorPaths: bad number "${t}" in ${data}`);
    nums.push(v);
  }
  return nums;
}

function rebase(data: string, nums: number[], mx: number, my: number): string {
  let i = 0;
  return data.replace(/-?[\d.]+(e-?\d+)?/g, () => {
    const v = nums[i] - (i % 2 === 0 ? mx : my);
    i++;
    return String(v);
  });
}

interface Snapshot {
  nodes: Map<FakeNode, Record<string, unknown>>;
  selection: FakeNode[];
}

export interface FakeImage {
  hash: string;
  getBytesAsync(): Promise<Uint8Array>;
  getSizeAsync(): Promise<{ width: number; height: number }>;
}

export class FigmaFake {
  normalizeVectors = true;
  command = '';
  readonly root: FakeNode;
  currentPage: FakeNode & { selection: FakeNode[] };
  readonly notifications: { message: string; error: boolean }[] = [];
  undoCommits = 0;
  closed = false;
  readonly shownUI: { width?: number; height?: number; themeColors?: boolean }[] = [];
  private readonly nodes = new Set<FakeNode>();
  private readonly history: Snapshot[] = [];
  /** The HTML of every figma.showUI call, in order. */
  readonly shownHtml: string[] = [];
  pluginId = 'fake-plugin-id';
  private readonly images = new Map<string, { bytes: Uint8Array; width: number; height: number }>();
  private readonly handlers = new Map<string, ((...args: unknown[]) => void)[]>();
  private readonly uiListeners = new Set<(message: unknown) => void>();
  private pluginOnMessage: ((message: unknown, props: { origin: string }) => void) | undefined;

  readonly ui = {
    postMessage: (message: unknown) => {
      const copy = structuredClone(message);
      queueMicrotask(() => this.uiListeners.forEach((h) => h(copy)));
    },
    resize: (width: number, height: number) => {
      this.shownUI.push({ width, height });
    },
  } as { postMessage(message: unknown): void; resize(w: number, h: number): void; onmessage: ((message: unknown) => void) | undefined };

  constructor() {
    this.root = new FakeNode(this, 'PAGE', 'Document', '0:0');
    const page = new FakeNode(this, 'PAGE', 'Page 1', '0:1') as FakeNode & { selection: FakeNode[] };
    let selection: FakeNode[] = [];
    Object.defineProperty(page, 'selection', {
      get: () => selection,
      set: (nodes: FakeNode[]) => {
        selection = [...nodes];
      },
    });
    this.currentPage = page;
    this.root.appendChild(page);
    Object.defineProperty(this.ui, 'onmessage', {
      get: () => this.pluginOnMessage,
      set: (h: ((message: unknown, props: { origin: string }) => void) | undefined) => (this.pluginOnMessage = h),
    });
  }

  // ---- the API surface the plugin calls ----
  showUI(html: string, options: { width?: number; height?: number; themeColors?: boolean } = {}): void {
    this.shownHtml.push(html);
    this.shownUI.push(options);
  }
  on(event: 'selectionchange' | 'close' | 'run' | 'currentpagechange', handler: (...args: unknown[]) => void): void {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
  }
  off(event: string, handler: (...args: unknown[]) => void): void {
    this.handlers.set(
      event,
      (this.handlers.get(event) ?? []).filter((h) => h !== handler),
    );
  }
  getImageByHash(hash: string): FakeImage | null {
    const img = this.images.get(hash);
    if (!img) return null;
    return {
      hash,
      getBytesAsync: async () => img.bytes.slice(),
      getSizeAsync: async () => ({ width: img.width, height: img.height }),
    };
  }
  async getNodeByIdAsync(id: string): Promise<FakeNode | null> {
    const walk = (n: FakeNode): FakeNode | null => {
      if (n.id === id) return n;
      for (const c of n.children) {
        const hit = walk(c);
        if (hit) return hit;
      }
      return null;
    };
    return walk(this.root);
  }
  createVector(): FakeNode {
    const v = new FakeNode(this, 'VECTOR', 'Vector');
    this.currentPage.appendChild(v);
    return v;
  }
  createRectangle(): FakeNode {
    const r = new FakeNode(this, 'RECTANGLE', 'Rectangle');
    this.currentPage.appendChild(r);
    return r;
  }
  createFrame(): FakeNode {
    const f = new FakeNode(this, 'FRAME', 'Frame');
    this.currentPage.appendChild(f);
    return f;
  }
  group(nodes: readonly FakeNode[], parent: FakeNode, index?: number): FakeNode {
    if (nodes.length === 0) throw new Error('figma.group: needs at least one node');
    const g = new FakeNode(this, 'GROUP', 'Group');
    parent.insertChild(index ?? parent.children.length, g);
    // Children keep their place on the canvas: re-express each in the group's space.
    for (const n of nodes) {
      const abs = fromRows(n.absoluteTransform);
      g.appendChild(n);
      const frame = compose(fromRows(n.absoluteTransform), invert(fromRows(n.relativeTransform)));
      n.relativeTransform = toRows(compose(invert(frame), abs));
    }
    return g;
  }
  commitUndo(): void {
    this.undoCommits++;
    this.history.push(this.snapshot());
  }
  notify(message: string, options?: { error?: boolean }): { cancel(): void } {
    if (message.length > 100) throw new Error(`notify: ${message.length} characters; Figma truncates at 100`);
    this.notifications.push({ message, error: options?.error ?? false });
    return { cancel: () => undefined };
  }
  closePlugin(): void {
    this.closed = true;
  }

  // ---- test controls ----
  /** Ctrl-Z: the document as at the commit before the last one (the last step undone). */
  undo(): void {
    if (this.history.length < 2) throw new Error('undo: nothing committed before the last step');
    this.history.pop();
    this.restore(this.history[this.history.length - 1]);
  }
  track(node: FakeNode): void {
    this.nodes.add(node);
  }
  private snapshot(): Snapshot {
    const nodes = new Map<FakeNode, Record<string, unknown>>();
    for (const node of this.nodes) {
      const state: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) {
        if (key === 'nodeChangeHandlers') continue; // listeners are no document state
        if (key === 'fake' || key === 'parent') state[key] = value;
        else if (key === 'children') state[key] = [...(value as FakeNode[])];
        else if (value instanceof Map) state[key] = new Map(value);
        else state[key] = structuredClone(value);
      }
      nodes.set(node, state);
    }
    return { nodes, selection: [...this.currentPage.selection] };
  }
  private restore(snapshot: Snapshot): void {
    for (const [node, state] of snapshot.nodes) {
      for (const [key, value] of Object.entries(state)) {
        const copy =
          key === 'children'
            ? [...(value as FakeNode[])]
            : value instanceof Map
              ? new Map(value)
              : key === 'parent' || key === 'fake'
                ? value
                : structuredClone(value);
        (node as unknown as Record<string, unknown>)[key] = copy;
      }
    }
    // Nodes made after the snapshot did not exist then.
    for (const node of this.nodes) {
      if (snapshot.nodes.has(node)) continue;
      node.removed = true;
      node.parent = null;
    }
    this.currentPage.selection = snapshot.selection;
  }
  /** Registers an image; returns its hash. */
  addImage(bytes: Uint8Array, width: number, height: number, hash = `hash-${this.images.size + 1}`): string {
    this.images.set(hash, { bytes, width, height });
    return hash;
  }
  /** Sets the selection and fires selectionchange, as Figma does. */
  select(nodes: FakeNode[]): void {
    this.currentPage.selection = nodes;
    for (const h of this.handlers.get('selectionchange') ?? []) h();
  }
  fire(event: 'close'): void {
    for (const h of this.handlers.get(event) ?? []) h();
  }
  /** What Figma tells the page's 'nodechange' listeners after the user changed these nodes. */
  nodesChanged(changes: { id: string; type: 'CREATE' | 'DELETE' | 'PROPERTY_CHANGE' }[]): void {
    for (const h of this.currentPage.nodeChangeHandlers) h({ nodeChanges: changes.map((c) => ({ ...c, origin: 'LOCAL' })) });
  }
  /** The UI's end of figma.ui: what the iframe (a document of `origin`) would post and receive. */
  uiTransport(origin = 'null'): Transport {
    return {
      post: (message) => {
        const copy = structuredClone(message);
        queueMicrotask(() => this.pluginOnMessage?.(copy, { origin }));
      },
      subscribe: (handler) => {
        this.uiListeners.add(handler);
        return () => this.uiListeners.delete(handler);
      },
    };
  }
  /** The path points of a vector on the page (absolute coordinates), one array per path. */
  absolutePathPoints(vector: FakeNode): { x: number; y: number }[][] {
    const abs = fromRows(vector.absoluteTransform);
    return vector.vectorPaths.map((p) => {
      const n = parsePath(p.data);
      const pts: { x: number; y: number }[] = [];
      for (let i = 0; i < n.length; i += 2) pts.push(apply(abs, n[i], n[i + 1]));
      return pts;
    });
  }
}

/** A rectangle with an image fill, placed in `parent` with transform `t` (rows). */
export function imageRect(
  fake: FigmaFake,
  opts: {
    parent?: FakeNode;
    width: number;
    height: number;
    paint: Partial<FakePaint> & { imageHash: string };
    name?: string;
    transform?: Rows;
  },
): FakeNode {
  const r = fake.createRectangle();
  r.name = opts.name ?? 'Photo';
  r.resize(opts.width, opts.height);
  r.fills = [{ type: 'IMAGE', scaleMode: 'FILL', visible: true, ...opts.paint }];
  if (opts.parent) opts.parent.appendChild(r);
  if (opts.transform) r.relativeTransform = opts.transform;
  return r;
}

/** Rows of a node transform: translate (x, y), rotate `deg` counter-clockwise on screen (Figma's sign), optional mirror in x. */
export function nodeTransform(x: number, y: number, deg = 0, flipX = false): Rows {
  const a = (deg * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const f = flipX ? -1 : 1;
  return [
    [c * f, s, x],
    [-s * f, c, y],
  ];
}

/** Installs a fresh fake as globalThis.figma (and __html__); returns it and a restore function. */
export function installFigmaFake(): { fake: FigmaFake; restore(): void } {
  const g = globalThis as unknown as { figma?: unknown; __html__?: string };
  const previous = { figma: g.figma, html: g.__html__ };
  const fake = new FigmaFake();
  g.figma = fake;
  g.__html__ = '<html></html>';
  return {
    fake,
    restore() {
      g.figma = previous.figma;
      g.__html__ = previous.html;
    },
  };
}

// Compile-time check that the fake's plain members keep Figma's signatures (node-returning
// members return FakeNode, which models only the fields the plugin uses).
type Assert<T extends true> = T;
export type FakeSignatures = [
  Assert<FigmaFake['commitUndo'] extends PluginAPI['commitUndo'] ? true : false>,
  Assert<FigmaFake['notify'] extends PluginAPI['notify'] ? true : false>,
  Assert<FigmaFake['closePlugin'] extends PluginAPI['closePlugin'] ? true : false>,
  Assert<FigmaFake['showUI'] extends PluginAPI['showUI'] ? true : false>,
  Assert<FigmaFake['ui']['postMessage'] extends UIAPI['postMessage'] ? true : false>,
  Assert<FigmaFake['ui']['resize'] extends UIAPI['resize'] ? true : false>,
];
