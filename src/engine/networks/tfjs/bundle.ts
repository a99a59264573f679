// nsfwjs ships its TF.js models as browserify bundles (`model.min.js`, `group1-shardNofM.min.js`)
// instead of model.json + binary shards: the topology is a minified JS object literal after
// `exports=`, each shard a base64 string literal. We read them as text (never executed): a
// small parser for the JSON-like subset a minifier emits (unquoted keys, `!0`/`!1`, `.5`).

/** The model.json object (`modelTopology`, `weightsManifest`, ...) inside `model.min.js`. */
export function parseModelBundle(source: string): unknown {
  const at = source.indexOf('exports={');
  if (at < 0) throw new Error('TF.js model bundle: no `exports={...}` object literal found');
  const parser = new LiteralParser(source, at + 'exports='.length);
  return parser.value();
}

/** The binary weight shard inside `group1-shardNofM.min.js` (a base64 string literal). */
export function parseShardBundle(source: string): Uint8Array {
  const match = /exports="([A-Za-z0-9+/=]*)"/.exec(source);
  if (!match) throw new Error('TF.js shard bundle: no `exports="<base64>"` string literal found');
  return decodeBase64(match[1]);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** Standard base64 (with or without padding) to bytes; works without Buffer or atob. */
export function decodeBase64(text: string): Uint8Array {
  const s = text.replace(/=+$/, '');
  if (s.length % 4 === 1) throw new Error(`base64: invalid length ${text.length}`);
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let bits = 0;
    const n = Math.min(4, s.length - i);
    for (let j = 0; j < 4; j++) {
      const v = j < n ? B64_INDEX[s.charCodeAt(i + j)] : 0;
      if (v < 0 || v === undefined) throw new Error(`base64: invalid character at ${i + j}`);
      bits = (bits << 6) | v;
    }
    out[o++] = (bits >>> 16) & 255;
    if (n > 2) out[o++] = (bits >>> 8) & 255;
    if (n > 3) out[o++] = bits & 255;
  }
  return out;
}

/** Recursive-descent parser of a minified JS literal: objects, arrays, strings, numbers, !0, !1, null. */
class LiteralParser {
  constructor(
    private readonly s: string,
    private i: number,
  ) {}

  value(): unknown {
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"' || c === "'") return this.string();
    if (this.s.startsWith('!0', this.i)) return this.advance(2, true);
    if (this.s.startsWith('!1', this.i)) return this.advance(2, false);
    if (this.s.startsWith('null', this.i)) return this.advance(4, null);
    if (this.s.startsWith('void 0', this.i)) return this.advance(6, null);
    if (this.s.startsWith('true', this.i)) return this.advance(4, true);
    if (this.s.startsWith('false', this.i)) return this.advance(5, false);
    if (this.s.startsWith('1/0', this.i)) return this.advance(3, Infinity);
    return this.number();
  }

  private advance<T>(n: number, v: T): T {
    this.i += n;
    return v;
  }

  private fail(what: string): never {
    throw new Error(`TF.js model bundle: ${what} at offset ${this.i} near '${this.s.slice(this.i, this.i + 30)}'`);
  }

  private expect(c: string): void {
    if (this.s[this.i] !== c) this.fail(`expected '${c}'`);
    this.i++;
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.expect('{');
    while (this.s[this.i] !== '}') {
      const c = this.s[this.i];
      let key: string;
      if (c === '"' || c === "'") key = this.string();
      else {
        const m = /^[A-Za-z_$][\w$]*|^\d+/.exec(this.s.slice(this.i, this.i + 256));
        if (!m) this.fail('expected a key');
        key = m[0];
        this.i += key.length;
      }
      this.expect(':');
      out[key] = this.value();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail("expected ',' or '}'");
    }
    this.i++;
    return out;
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.expect('[');
    while (this.s[this.i] !== ']') {
      out.push(this.value());
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== ']') this.fail("expected ',' or ']'");
    }
    this.i++;
    return out;
  }

  private string(): string {
    const quote = this.s[this.i++];
    let out = '';
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined) this.fail('unterminated string');
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      if (e === 'u') {
        out += String.fromCharCode(parseInt(this.s.slice(this.i, this.i + 4), 16));
        this.i += 4;
      } else out += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' } as Record<string, string>)[e] ?? e;
    }
  }

  private number(): number {
    const m = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(this.s.slice(this.i, this.i + 64));
    if (!m) this.fail('expected a value');
    this.i += m[0].length;
    return Number(m[0]);
  }
}
