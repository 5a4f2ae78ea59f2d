// CRC-32C (Castagnoli) of record batches. @node-rs/crc32 computes it with SSE4.2 /
// ARM CRC instructions; a JS table version runs an order of magnitude slower and the
// broker checks every produced byte, so the native package is worth its dependency.
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

export function crc32c(data: Buffer): number {
  return nativeCrc32c(data) >>> 0;
}
