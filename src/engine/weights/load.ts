// Weights from bytes already at hand: a file the user picked from disk (the original
// checkpoint, or a cache file we wrote), validated exactly like a download.
import { parseSafetensors } from './safetensors.ts';
import { checkDigest, packEntries, selectTensors, selectedBytes, sha256Hex, WeightSet, type WeightSpec } from './weight-set.ts';

export interface LoadOptions {
  /** Hex SHA-256 of the selected tensors' bytes in file order (as for a download). */
  sha256?: string;
  /** Hex SHA-256 of the whole file (e.g. the Hub's LFS oid); checked only when given. */
  fileSha256?: string;
  /** Name shown in errors. */
  source?: string;
}

/**
 * Parses `file` as safetensors, checks names/shapes/dtypes against `spec`, packs the selected
 * tensors and enforces the digests that are given. A cache file written by `WeightSet.header()`
 * carries `payload_sha256` in its metadata: it is checked too (detects a corrupted cache).
 */
export async function loadWeightsFromBytes(file: Uint8Array, spec: WeightSpec, options: LoadOptions = {}): Promise<WeightSet> {
  const source = options.source ?? 'weights file';
  const fail = (error: unknown): never => {
    throw new Error(`${source}: ${(error as Error).message}`);
  };
  let header;
  try {
    header = parseSafetensors(file);
  } catch (error) {
    fail(error);
  }
  if (options.fileSha256 !== undefined) checkDigest(source, await sha256Hex(file), options.fileSha256);
  let entries;
  try {
    entries = selectTensors(header!, spec);
  } catch (error) {
    fail(error);
  }
  const payload = new Uint8Array(selectedBytes(entries!));
  let at = 0;
  for (const e of entries!) {
    payload.set(file.subarray(header!.dataStart + e.begin, header!.dataStart + e.end), at);
    at += e.end - e.begin;
  }
  const digest = await sha256Hex(payload);
  checkDigest(source, digest, options.sha256);
  checkDigest(`${source} (its recorded payload_sha256)`, digest, header!.metadata.payload_sha256);
  // A cache file we wrote records the commit its download came from (WeightSet.header()).
  return new WeightSet(packEntries(entries!), payload, digest, header!.metadata.repo_commit);
}
