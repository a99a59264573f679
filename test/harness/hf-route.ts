// Plays Hugging Face for the UI's model downloads as a real HTTPS server on 127.0.0.1 (no
// network, no test switch in the product), the way the real one answers: huggingface.co
// answers /resolve/<rev>/<file> with a 302 to a file host (default us.aws.cdn.hf.co; any host
// in FILE_HOSTS can be named, to play a redirect the manifest does not allow), carrying
// X-Repo-Commit and exposing it to CORS; the file host answers Range requests with 206. Both
// send `access-control-allow-origin: *`, which a `null` origin passes. Chromium reaches it by
// name: its launch arguments (chromiumArgs) map those host names to this server and accept its
// self-signed certificate, so the browser follows the redirect itself and the UI frame's CSP
// (host.ts) is checked on every hop. (Playwright request routing cannot play this: the request
// a fulfilled 302 leads to is not routed again, it goes to DNS.) The file host answers with an
// HTTP status, arbitrary bytes, or a checkpoint made of a real-layout header and zero tensors
// served in chunks (a dropped connection per chunk, which the downloader resumes), optionally
// held after the first chunk.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WeightSpec } from '../../src/engine/weights/weight-set.ts';

export type HfAnswer =
  | { status: number }
  | { bytes: Uint8Array }
  /** header + zeros up to `size`; each response carries at most `chunk` bytes. */
  | { header: Uint8Array; size: number; chunk: number };

export interface HfRoute {
  answer: HfAnswer;
  /** Where huggingface.co redirects (a host name). */
  fileHost: string;
  /** The commit huggingface.co names in X-Repo-Commit. */
  repoCommit: string;
  /** Range header of every request that reached the file host, in order. */
  requests: string[];
  /** Host of every request that reached the server (huggingface.co and file hosts), in order. */
  hosts: string[];
  /** While set, requests past the first chunk of tensor data wait for it. */
  hold: Promise<void> | null;
}

export interface HfServer extends HfRoute {
  /** Chromium arguments that send the played host names here (pass to openUi). */
  chromiumArgs: string[];
  close(): Promise<void>;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'content-range, content-length, accept-ranges',
  'accept-ranges': 'bytes',
};
/** huggingface.co's redirect: what it exposes (its own list, abridged). */
const HUB_CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'X-Repo-Commit, X-Linked-Size, X-Linked-ETag, Content-Range, Accept-Ranges, ETag',
};
export const DEFAULT_FILE_HOST = 'us.aws.cdn.hf.co';
/** Host names the server plays: Hugging Face's, and one outside every manifest entry. */
export const FILE_HOSTS = [DEFAULT_FILE_HOST, 'cas-server.xethub.hf.co', 'files.example.net'] as const;

/**
 * A safetensors header (F32, file order as in `spec`) for a file whose data are all zeros;
 * `metadata` as a cache file the CLI writes carries it (e.g. repo_commit).
 */
export function zeroCheckpointHeader(spec: WeightSpec, metadata?: Record<string, string>): { header: Uint8Array; size: number } {
  const json: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
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

/** A self-signed certificate for the played host names (openssl, in a temporary folder). */
function certificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'sketchify-hf-'));
  try {
    const names = ['huggingface.co', ...FILE_HOSTS].map((h) => `DNS:${h}`).join(',');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=huggingface.co',
        '-addext',
        `subjectAltName=${names}`,
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startHuggingFace(answer: HfAnswer): Promise<HfServer> {
  const server: Server = createServer(certificate(), (req, res) => void serve(req, res));
  const state: HfServer = {
    answer,
    fileHost: DEFAULT_FILE_HOST,
    repoCommit: '57ca0a9'.padEnd(40, 'e'),
    requests: [],
    hosts: [],
    hold: null,
    chromiumArgs: [],
    close: () => new Promise((done) => (server.closeAllConnections(), server.close(() => done()))),
  };
  async function serve(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const url = new URL(req.url ?? '/', `https://${host}`);
    state.hosts.push(host);
    if (req.method === 'OPTIONS') return void res.writeHead(204, { ...CORS, 'access-control-allow-headers': 'range' }).end();
    if (host === 'huggingface.co') {
      const m = /^\/[^/]+\/[^/]+\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
      if (!m) return void res.writeHead(404, HUB_CORS).end('Entry not found');
      const location = `https://${state.fileHost}/repos/${m[1]}/${m[2]}?X-Amz-Expires=3600&X-Amz-Signature=0`;
      return void res.writeHead(302, { ...HUB_CORS, location, 'x-repo-commit': state.repoCommit }).end();
    }
    const range = req.headers.range ?? 'none';
    state.requests.push(range);
    const a = state.answer;
    if ('status' in a) return void res.writeHead(a.status, CORS).end('server error');
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
    if (res.destroyed) return;
    res.writeHead(206, {
      ...CORS,
      'content-range': `bytes ${start}-${start + body.length - 1}/${size}`,
      'content-length': String(body.length),
    });
    res.end(body);
  }
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  const rules = ['huggingface.co', ...FILE_HOSTS].map((h) => `MAP ${h} 127.0.0.1:${port}`).join(',');
  state.chromiumArgs = [`--host-resolver-rules=${rules}`, '--ignore-certificate-errors'];
  return state;
}
