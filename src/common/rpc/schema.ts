// Tiny runtime schemas for messages crossing a boundary (sandbox/iframe, UI/engine worker,
// engine/loss worker). Each schema is a function that returns the value typed or throws a
// ProtocolError naming the path of the first bad field, so a rejection says exactly what was
// wrong ("strokes[3][5]: not finite"). Objects are rebuilt key by key, typed arrays are
// passed on as they are: a check never copies a payload's data.

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

export type Schema<T> = (value: unknown, path: string) => T;
export type Infer<S> = S extends Schema<infer T> ? T : never;

function fail(path: string, problem: string): never {
  throw new ProtocolError(`${path || 'message'}: ${problem}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function num(opts: { min: number; max: number; integer?: boolean }): Schema<number> {
  return (v, path) => {
    if (typeof v !== 'number') fail(path, `expected a number, got ${describe(v)}`);
    if (!Number.isFinite(v)) fail(path, `not finite (${v})`);
    if (opts.integer && !Number.isInteger(v)) fail(path, `expected an integer, got ${v}`);
    if (v < opts.min || v > opts.max) fail(path, `${v} outside [${opts.min}, ${opts.max}]`);
    return v;
  };
}

/** Any number, NaN and infinities included (a diverged loss, a time not known yet). */
export const anyNumber: Schema<number> = (v, path) => {
  if (typeof v !== 'number') fail(path, `expected a number, got ${describe(v)}`);
  return v;
};

export function str(opts: { max: number; min?: number }): Schema<string> {
  return (v, path) => {
    if (typeof v !== 'string') fail(path, `expected a string, got ${describe(v)}`);
    if (v.length > opts.max) fail(path, `string longer than ${opts.max} characters`);
    if (v.length < (opts.min ?? 0)) fail(path, `string shorter than ${opts.min} characters`);
    return v;
  };
}

export const bool: Schema<boolean> = (v, path) => {
  if (typeof v !== 'boolean') fail(path, `expected a boolean, got ${describe(v)}`);
  return v;
};

export function literal<const L extends readonly (string | number)[]>(...values: L): Schema<L[number]> {
  return (v, path) => {
    if (!values.includes(v as L[number]))
      fail(path, `expected one of ${values.map((x) => JSON.stringify(x)).join(', ')}, got ${JSON.stringify(v)}`);
    return v as L[number];
  };
}

/** Uint8Array of at most maxBytes. Checked by tag, not instanceof: the value may come from another realm. */
export function bytes(opts: { max: number; min?: number }): Schema<Uint8Array> {
  return (v, path) => {
    if (Object.prototype.toString.call(v) !== '[object Uint8Array]') fail(path, `expected a Uint8Array, got ${describe(v)}`);
    const b = v as Uint8Array;
    if (b.byteLength > opts.max) fail(path, `${b.byteLength} bytes exceeds the limit of ${opts.max}`);
    if (b.byteLength < (opts.min ?? 0)) fail(path, `${b.byteLength} bytes is fewer than ${opts.min}`);
    return b;
  };
}

type Sizes = { length: number } | { max: number; min?: number; multipleOf?: number };

/** One kind of typed array, checked by tag (it may come from another realm); sizes count elements. */
function typedArray<T extends ArrayBufferView & { length: number }>(tag: string): (sizes: Sizes) => Schema<T> {
  return (sizes) => (v, path) => {
    if (Object.prototype.toString.call(v) !== `[object ${tag}]`) fail(path, `expected a ${tag}, got ${describe(v)}`);
    const n = (v as T).length;
    if ('length' in sizes) {
      if (n !== sizes.length) fail(path, `expected ${sizes.length} values, got ${n}`);
      return v as T;
    }
    if (n > sizes.max) fail(path, `${n} values exceeds the limit of ${sizes.max}`);
    if (n < (sizes.min ?? 0)) fail(path, `${n} values is fewer than ${sizes.min}`);
    if (sizes.multipleOf !== undefined && n % sizes.multipleOf !== 0) fail(path, `${n} values is not a multiple of ${sizes.multipleOf}`);
    return v as T;
  };
}

export const float32 = typedArray<Float32Array>('Float32Array');
export const clampedBytes = typedArray<Uint8ClampedArray>('Uint8ClampedArray');

export function array<T>(item: Schema<T>, opts: { max: number; min?: number; length?: number }): Schema<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) fail(path, `expected an array, got ${describe(v)}`);
    if (opts.length !== undefined && v.length !== opts.length) fail(path, `expected exactly ${opts.length} items, got ${v.length}`);
    if (v.length > opts.max) fail(path, `${v.length} items exceeds the limit of ${opts.max}`);
    if (v.length < (opts.min ?? 0)) fail(path, `${v.length} items is fewer than ${opts.min}`);
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };
}

/** An object used as a map: at most `max` keys (of at most 200 characters, from `keys` when given), values of one schema. */
export function record<T>(item: Schema<T>, opts: { max: number; keys?: readonly string[] }): Schema<Record<string, T>> {
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, `expected an object, got ${describe(v)}`);
    const entries = Object.entries(v);
    if (entries.length > opts.max) fail(path, `${entries.length} entries exceeds the limit of ${opts.max}`);
    const out: Record<string, T> = {};
    for (const [key, value] of entries) {
      if (key.length > 200) fail(path, 'key longer than 200 characters');
      if (opts.keys && !opts.keys.includes(key)) fail(`${path}.${key}`, `unknown name (expected one of ${opts.keys.join(', ')})`);
      out[key] = item(value, `${path}.${key}`);
    }
    return out;
  };
}

export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return (v, path) => (v === null ? null : inner(v, path));
}

type Shape = Record<string, Schema<unknown>>;
type Optional<T> = Schema<T | undefined> & { optional: true };
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
export type ObjectOf<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined>;
};

export function optional<T>(inner: Schema<T>): Optional<T> {
  const s = ((v: unknown, path: string) => (v === undefined ? undefined : inner(v, path))) as Optional<T>;
  s.optional = true;
  return s;
}

/** Plain object with exactly these keys: unknown keys are rejected (they signal a version skew). */
export function object<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  const fields = Object.entries(shape);
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, `expected an object, got ${describe(v)}`);
    const rec = v as Record<string, unknown>;
    for (const key of Object.keys(rec)) if (!(key in shape)) fail(path, `unexpected field "${key}"`);
    const out: Record<string, unknown> = {};
    for (const [key, schema] of fields) {
      const child = path ? `${path}.${key}` : key;
      if (rec[key] === undefined && !(schema as { optional?: boolean }).optional) fail(child, 'missing');
      const value = schema(rec[key], child);
      if (value !== undefined) out[key] = value;
    }
    return out as ObjectOf<S>;
  };
}

/** Union discriminated by a string field; the error names the tag when it is unknown. */
export function tagged<K extends string, M extends Record<string, Schema<object>>>(
  key: K,
  variants: M,
): Schema<{ [T in keyof M]: Infer<M[T]> }[keyof M]> {
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, `expected an object, got ${describe(v)}`);
    const tag = (v as Record<string, unknown>)[key];
    if (typeof tag !== 'string' || !Object.prototype.hasOwnProperty.call(variants, tag)) {
      fail(path ? `${path}.${key}` : key, `unknown ${key} ${JSON.stringify(tag)}`);
    }
    return variants[tag](v, path) as { [T in keyof M]: Infer<M[T]> }[keyof M];
  };
}

export const empty: Schema<Record<string, never>> = object({}) as Schema<Record<string, never>>;
