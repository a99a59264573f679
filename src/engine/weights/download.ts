// Ranged download of the tensors a model reads from a remote safetensors file, with the global
// fetch only (Node 20 and browsers): the header by two Range requests, then one Range request
// per run of adjacent selected tensors, streamed into one buffer with progress. A dropped
// connection resumes from the last received byte; failures without progress are retried a
// bounded number of times with exponential backoff; every failure names its cause.
import { parseHeaderJson, readHeaderLength, type SafetensorsHeader, type TensorEntry } from './safetensors.ts';
import { checkDigest, packEntries, selectTensors, selectedBytes, sha256Hex, WeightSet, type WeightSpec } from './weight-set.ts';

export interface DownloadProgress {
  phase: 'header' | 'tensors' | 'verify';
  bytesDone: number;
  /** Known once the header is read (header bytes + selected tensor bytes); 0 before. */
  bytesTotal: number;
}

export type FetchLike = (url: string, init: { headers: Record<string, string>; signal?: AbortSignal }) => Promise<Response>;

/** Who downloads: a failed connection is explained in the terms of that front end. */
export type DownloadContext = 'cli' | 'plugin';

/** What to check when the connection itself fails (one text per front end). */
export function connectionAdvice(context: DownloadContext): string {
  return context === 'cli'
    ? "Check this computer's network connection (a proxy or firewall may block huggingface.co and its file hosts under hf.co), or run with `--model embedded`, which needs no download"
    : "Offline, blocked by CORS, or redirected to a host that is not in the plugin's allowedDomains";
}

/** Hugging Face names the commit a /resolve/ request was answered from in this header. */
export const REPO_COMMIT_HEADER = 'x-repo-commit';

export interface DownloadOptions {
  url: string;
  spec: WeightSpec;
  /** Hex SHA-256 of the selected tensors' bytes in file order; enforced when given. */
  sha256?: string;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  fetch?: FetchLike;
  /** Who downloads, for the advice on a failed connection (default 'plugin'). */
  context?: DownloadContext;
  /** Attempts per request that make no progress before giving up (default 4). */
  retries?: number;
  /** First backoff delay in ms, doubled per failure (default 500). */
  backoffMs?: number;
}

/** 'blocked': the host's network policy refused a host (set by the plugin's worker, not here). */
export type DownloadErrorKind = 'http' | 'network' | 'blocked' | 'range' | 'format' | 'integrity';

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly kind: DownloadErrorKind,
    readonly status?: number,
    /** The host that was refused or failed, where known. */
    readonly host?: string,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

/** Runs of adjacent entries (file order) fetched as one Range request each. */
export function coalesceRanges(entries: readonly TensorEntry[]): { begin: number; end: number }[] {
  const runs: { begin: number; end: number }[] = [];
  for (const e of [...entries].sort((a, b) => a.begin - b.begin)) {
    const last = runs[runs.length - 1];
    if (last && last.end === e.begin) last.end = e.end;
    else runs.push({ begin: e.begin, end: e.end });
  }
  return runs;
}

interface Ctx {
  url: string;
  fetch: FetchLike;
  context: DownloadContext;
  /** The first X-Repo-Commit seen on an answer (where the host sends it and CORS exposes it). */
  repoCommit?: string;
  signal?: AbortSignal;
  retries: number;
  backoffMs: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `bytes a-b/total` -> numbers (total undefined when '*'); null when absent or unexposed by CORS. */
function parseContentRange(value: string | null): { start: number; last: number; total?: number } | null {
  const m = value && /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value.trim());
  if (!m) return null;
  return { start: Number(m[1]), last: Number(m[2]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

/**
 * Streams bytes [start, end) of the file to `sink(chunk, offset)`. Returns the file size when
 * the server states it. Resumes after a cut; retries 5xx/408/429 and network errors.
 */
async function fetchRange(
  ctx: Ctx,
  start: number,
  end: number,
  sink: (chunk: Uint8Array, offset: number) => void,
): Promise<number | undefined> {
  let pos = start;
  let failures = 0;
  let fileSize: number | undefined;
  const fail = async (error: DownloadError): Promise<void> => {
    if (++failures > ctx.retries) throw error;
    await sleep(ctx.backoffMs * 2 ** (failures - 1), ctx.signal);
  };
  while (pos < end) {
    ctx.signal?.throwIfAborted();
    const range = `bytes=${pos}-${end - 1}`;
    let response: Response;
    try {
      response = await ctx.fetch(ctx.url, { headers: { Range: range }, signal: ctx.signal });
    } catch (error) {
      ctx.signal?.throwIfAborted();
      await fail(
        new DownloadError(
          `Network error fetching ${ctx.url} (${range}): ${(error as Error).message}. ${connectionAdvice(ctx.context)}`,
          'network',
        ),
      );
      continue;
    }
    if (response.status !== 206) {
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 200) {
        throw new DownloadError(
          `${ctx.url} answered 200 (the whole file) instead of 206 Partial Content to ${range}: the server ignores HTTP Range requests`,
          'range',
          200,
        );
      }
      const error = new DownloadError(`HTTP ${response.status} ${response.statusText} for ${ctx.url} (${range})`, 'http', response.status);
      if (response.status < 500 && response.status !== 408 && response.status !== 429) throw error;
      await fail(error);
      continue;
    }
    ctx.repoCommit ??= response.headers.get(REPO_COMMIT_HEADER) ?? undefined;
    const cr = parseContentRange(response.headers.get('content-range'));
    if (cr) {
      if (cr.start !== pos || cr.last > end - 1) {
        await response.body?.cancel().catch(() => undefined);
        throw new DownloadError(`${ctx.url} returned ${response.headers.get('content-range')} for ${range}`, 'range', 206);
      }
      fileSize = cr.total;
    }
    if (!response.body) throw new DownloadError(`${ctx.url} returned no body for ${range}`, 'network');
    const reader = response.body.getReader();
    const before = pos;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const chunk = value.subarray(0, Math.min(value.length, end - pos));
        if (chunk.length) sink(chunk, pos);
        pos += chunk.length;
        if (pos >= end) {
          await reader.cancel().catch(() => undefined);
          break;
        }
      }
      if (pos < end) throw new Error(`connection closed after ${pos - before} of ${end - before} bytes`);
    } catch (error) {
      ctx.signal?.throwIfAborted();
      if (pos > before) failures = 0; // progress was made: resume without spending a retry
      await fail(
        new DownloadError(
          `Download of ${ctx.url} interrupted at byte ${pos} of [${start}, ${end}): ${(error as Error).message}`,
          'network',
        ),
      );
    }
  }
  return fileSize;
}

/** Reads and validates the header (two small Range requests). */
export async function fetchHeader(ctx: Ctx): Promise<SafetensorsHeader> {
  const first = new Uint8Array(8);
  const fileSize = await fetchRange(ctx, 0, 8, (c, at) => first.set(c, at));
  let n: number;
  try {
    n = readHeaderLength(first, fileSize);
  } catch (error) {
    throw new DownloadError(`${ctx.url}: ${(error as Error).message}`, 'format');
  }
  const json = new Uint8Array(n);
  await fetchRange(ctx, 8, 8 + n, (c, at) => json.set(c, at - 8));
  try {
    return parseHeaderJson(json, fileSize === undefined ? undefined : fileSize - 8 - n);
  } catch (error) {
    throw new DownloadError(`${ctx.url}: ${(error as Error).message}`, 'format');
  }
}

/**
 * Downloads, checks and packs the tensors `spec` reads; the set records the X-Repo-Commit of
 * the answers where one was readable. Rejects with the signal's reason on abort.
 */
export async function downloadWeights(options: DownloadOptions): Promise<WeightSet> {
  const fetchFn = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const ctx: Ctx = {
    url: options.url,
    fetch: fetchFn,
    context: options.context ?? 'plugin',
    signal: options.signal,
    retries: options.retries ?? 4,
    backoffMs: options.backoffMs ?? 500,
  };
  const report = options.onProgress ?? (() => undefined);
  report({ phase: 'header', bytesDone: 0, bytesTotal: 0 });
  const header = await fetchHeader(ctx);
  let entries: TensorEntry[];
  try {
    entries = selectTensors(header, options.spec);
  } catch (error) {
    throw new DownloadError(`${options.url}: ${(error as Error).message}`, 'format');
  }
  const packed = packEntries(entries);
  const payload = new Uint8Array(selectedBytes(entries));
  const total = header.dataStart + payload.length;
  let done = header.dataStart;
  report({ phase: 'tensors', bytesDone: done, bytesTotal: total });
  // File offset -> payload offset of each run (entries are in file order, runs keep it).
  let packedAt = 0;
  for (const run of coalesceRanges(entries)) {
    const base = packedAt;
    await fetchRange(ctx, header.dataStart + run.begin, header.dataStart + run.end, (chunk, at) => {
      payload.set(chunk, base + at - header.dataStart - run.begin);
      done += chunk.length;
      report({ phase: 'tensors', bytesDone: done, bytesTotal: total });
    });
    packedAt += run.end - run.begin;
  }
  report({ phase: 'verify', bytesDone: done, bytesTotal: total });
  const digest = await sha256Hex(payload);
  try {
    checkDigest(options.url, digest, options.sha256);
  } catch (error) {
    throw new DownloadError((error as Error).message, 'integrity');
  }
  return new WeightSet(packed, payload, digest, ctx.repoCommit);
}
