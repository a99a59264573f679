// Plays huggingface.co for the UI's model downloads through Playwright request routing (no
// network, no test switch in the product): the engine worker's fetches to the registry's
// pinned URLs are answered here with an HTTP status, arbitrary bytes, or a checkpoint made of
// a real-layout header and zero tensors served in chunks (a dropped connection per chunk,
// which the downloader resumes), optionally held after the first chunk.
import type { BrowserContext, Route } from 'playwright-core';
import type { WeightSpec } from '../../src/engine/weights/weight-set.ts';

export type HfAnswer =
  | { status: number }
  | { bytes: Uint8Array }
  /** header + zeros up to `size`; each response carries at most `chunk` bytes. */
  | { header: Uint8Array; size: number; chunk: number };

export interface HfRoute {
  answer: HfAnswer;
  /** Range header of every request, in order. */
  requests: string[];
  /** While set, requests past the first chunk of tensor data wait for it. */
  hold: Promise<void> | null;
}

const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-range, content-length, accept-ranges', 'accept-ranges': 'bytes' };

/** A safetensors header (F32, file order as in `spec`) for a file whose data are all zeros. */
export function zeroCheckpointHeader(spec: WeightSpec): { header: Uint8Array; size: number } {
  const json: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape] of spec.tensors) {
    const bytes = 4 * shape.reduce((a, b) => a * b, 1);
    json[name] = { dtype: 'F32', shape: [...shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let text = JSON.stringify(json);
  text += ' '.repeat((8 - ((Buffer.byteLength(text) + 8) % 8)) % 8);
  const header = Buffer.alloc(8 + Buffer.byteLength(text));
  header.writeBigUInt64LE(BigInt(Buffer.byteLength(text)), 0);
  header.write(text, 8);
  return { header, size: header.length + offset };
}

function slice(a: Extract<HfAnswer, { header: Uint8Array }>, start: number, end: number): Buffer {
  const out = Buffer.alloc(end - start); // zeros past the header
  if (start < a.header.length) Buffer.from(a.header.subarray(start, Math.min(end, a.header.length))).copy(out, 0);
  return out;
}

export async function routeHuggingFace(context: BrowserContext, answer: HfAnswer): Promise<HfRoute> {
  const state: HfRoute = { answer, requests: [], hold: null };
  await context.route(/^https:\/\/([a-z0-9-]+\.)*(huggingface\.co|hf\.co)\//, async (route: Route) => {
    const request = route.request();
    if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: { ...CORS, 'access-control-allow-headers': 'range' } });
    const range = request.headers()['range'] ?? 'none';
    state.requests.push(range);
    const a = state.answer;
    if ('status' in a) return route.fulfill({ status: a.status, headers: CORS, body: 'server error' });
    const size = 'bytes' in a ? a.bytes.length : a.size;
    const m = /^bytes=(\d+)-(\d+)$/.exec(range);
    const start = m ? Number(m[1]) : 0;
    let end = m ? Math.min(size, Number(m[2]) + 1) : size;
    if ('header' in a) {
      if (state.hold && start >= a.header.length + a.chunk) await state.hold;
      end = Math.min(end, start + a.chunk);
    }
    const body = 'bytes' in a ? Buffer.from(a.bytes.subarray(start, end)) : slice(a, start, end);
    // A shorter body than asked: the client sees the connection end early and resumes. A
    // request the client aborted while it was held (a cancelled download) has nobody to answer.
    return route.fulfill({ status: 206, headers: { ...CORS, 'content-range': `bytes ${start}-${start + body.length - 1}/${size}` }, body }).catch(() => undefined);
  });
  return state;
}
