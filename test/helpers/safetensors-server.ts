// A local HTTP server on 127.0.0.1 that serves in-memory files with HTTP Range support and
// scripted faults, one per request in order: cut the connection mid-body, answer an error
// status, ignore the Range header (200 + whole file), or flip a byte of the body.
import { createServer, type Server } from 'node:http';

export interface Fault {
  /** Send this many body bytes, then destroy the socket. */
  cutAfter?: number;
  /** Answer this status with no body. */
  status?: number;
  /** Answer 200 with the whole file. */
  ignoreRange?: boolean;
  /** XOR this body byte (index within the response body) with 0xff. */
  corruptAt?: number;
}

export interface RangeServer {
  origin: string;
  files: Map<string, Uint8Array>;
  /** Faults consumed in order, one per request (after `faultFrom` requests passed cleanly). */
  faults: Fault[];
  /** Number of requests to serve cleanly before consuming faults. */
  faultFrom: number;
  /** Range header (or 'none') of every request, in order. */
  requests: string[];
  /**
   * Paths answered with a 302 to another path, as huggingface.co answers /resolve/ (its
   * X-Repo-Commit header on the redirect only, when `commit` is set).
   */
  redirects: Map<string, { to: string; commit?: string }>;
  url(path: string): string;
  close(): Promise<void>;
}

export async function startRangeServer(): Promise<RangeServer> {
  const files = new Map<string, Uint8Array>();
  const state: RangeServer = {
    origin: '',
    files,
    faults: [],
    faultFrom: 0,
    requests: [],
    redirects: new Map(),
    url: (p) => `${state.origin}${p}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const range = req.headers.range;
    state.requests.push(range ?? 'none');
    const fault = state.requests.length > state.faultFrom ? (state.faults.shift() ?? {}) : {};
    const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-range, content-length' };
    const file = files.get(path);
    const redirect = state.redirects.get(path);
    if (redirect)
      return void res
        .writeHead(302, { ...cors, location: redirect.to, ...(redirect.commit ? { 'x-repo-commit': redirect.commit } : {}) })
        .end();
    if (fault.status) return void res.writeHead(fault.status, cors).end();
    if (!file) return void res.writeHead(404, cors).end();
    let start = 0;
    let last = file.length - 1;
    let status = 200;
    const m = range && !fault.ignoreRange ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
    if (m) {
      start = Number(m[1]);
      last = m[2] ? Math.min(Number(m[2]), file.length - 1) : file.length - 1;
      if (start > last) return void res.writeHead(416, { ...cors, 'content-range': `bytes */${file.length}` }).end();
      status = 206;
    }
    const body = Buffer.from(file.subarray(start, last + 1));
    if (fault.corruptAt !== undefined && fault.corruptAt < body.length) body[fault.corruptAt] ^= 0xff;
    const headers: Record<string, string> = {
      ...cors,
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
      'accept-ranges': 'bytes',
    };
    if (status === 206) headers['content-range'] = `bytes ${start}-${last}/${file.length}`;
    res.writeHead(status, headers);
    if (fault.cutAfter !== undefined) {
      res.write(body.subarray(0, fault.cutAfter), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server has no port');
  state.origin = `http://127.0.0.1:${address.port}`;
  return state;
}
