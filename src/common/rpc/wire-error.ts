// The one shape in which an error crosses any boundary (sandbox/iframe, UI/engine worker,
// engine/loss worker): its name, its message and its own plain fields (a DownloadError's kind,
// status and host), so the receiving side can rebuild an Error that reads like the original
// and the UI can put it in plain words (src/ui/errors.ts reads name and those fields).

import { bool, num, object, optional, record, str, type Schema } from './schema.ts';

const MAX_NAME = 200;
const MAX_MESSAGE = 10_000;
const MAX_FIELDS = 16;
const MAX_FIELD_TEXT = 1000;

type Field = string | number | boolean;

export interface WireError {
  name: string;
  message: string;
  /** The error's own fields of plain values (not name, message, stack). */
  fields?: Record<string, Field>;
}

/** The other side's error, rebuilt: its name, message and fields; `instanceof RemoteError`. */
export class RemoteError extends Error {
  override name = 'RemoteError';
}

const field: Schema<Field> = (v, path) => {
  if (typeof v === 'string') return str({ max: MAX_FIELD_TEXT })(v, path);
  if (typeof v === 'number') return num({ min: -Number.MAX_VALUE, max: Number.MAX_VALUE })(v, path);
  return bool(v, path);
};

export const wireErrorSchema: Schema<WireError> = object({
  name: str({ min: 1, max: MAX_NAME }),
  message: str({ max: MAX_MESSAGE }),
  fields: optional(record(field, { max: MAX_FIELDS })),
});

const NOT_FIELDS = new Set(['name', 'message', 'stack', 'cause']);

/** Any thrown value as a WireError (an Error of another realm included: it is read by shape). */
export function toWireError(error: unknown): WireError {
  const e = error as { name?: unknown; message?: unknown } | null;
  if (typeof e !== 'object' || e === null || typeof e.message !== 'string')
    return { name: 'Error', message: String(error).slice(0, MAX_MESSAGE) };
  const wire: WireError = {
    name: (typeof e.name === 'string' && e.name.slice(0, MAX_NAME)) || 'Error',
    message: e.message.slice(0, MAX_MESSAGE),
  };
  const fields: Record<string, Field> = {};
  let count = 0;
  for (const [key, value] of Object.entries(e)) {
    if (NOT_FIELDS.has(key) || key.length > MAX_NAME || count >= MAX_FIELDS) continue;
    if (typeof value === 'string') fields[key] = value.slice(0, MAX_FIELD_TEXT);
    else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') fields[key] = value;
    else continue;
    count++;
  }
  if (count > 0) wire.fields = fields;
  return wire;
}

/** A RemoteError carrying the wire error's name, message and fields. */
export function fromWireError(wire: WireError): RemoteError {
  const error = new RemoteError(wire.message);
  error.name = wire.name;
  for (const [key, value] of Object.entries(wire.fields ?? {})) if (!NOT_FIELDS.has(key)) Object.assign(error, { [key]: value });
  return error;
}
