// The plain-TS SHA-256 used where crypto.subtle is missing (the plugin's engine worker)
// equals node:crypto on the standard vectors and on lengths around the padding boundaries.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256HexPortable } from '../../../src/engine/weights/sha256.ts';

const node = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('sha256HexPortable', () => {
  it('matches the FIPS 180-4 examples', async () => {
    await expect(sha256HexPortable(new TextEncoder().encode('abc'))).resolves.toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    await expect(sha256HexPortable(new Uint8Array(0))).resolves.toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
  it('matches node:crypto around block and padding boundaries and across slices', async () => {
    for (const n of [55, 56, 63, 64, 65, 119, 120, 1000, (16 << 20) + 77]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);
      expect(await sha256HexPortable(b), `length ${n}`).toBe(node(b));
    }
  });
});
