/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. IDs made one after another sort
 * one after another, so a table or index keyed by them grows at its right edge: an insert touches the
 * last B-tree page instead of a random one, which keeps each commit's dirty pages (and the WAL) small.
 */
import { randomFillSync } from 'node:crypto';

const bytes = new Uint8Array(16);
// Random bytes drawn 4 KiB at a time (as crypto.randomUUID does): one call into the CSPRNG per ~400 IDs.
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

export function timeOrderedId(now: number = Date.now()): string {
  if (poolOffset + 10 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  bytes.set(pool.subarray(poolOffset, poolOffset + 10), 6);
  poolOffset += 10;
  let ms = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms & 0xff;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70; // version 7
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // variant 10
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
