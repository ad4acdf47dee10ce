import { randomFillSync } from 'node:crypto';

const pool = new Uint8Array(16);

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Rows keyed by it
 * are inserted at the right edge of their indexes instead of at random places, which keeps the
 * b-trees of large, append-mostly tables (incidents and everything keyed by incident) in cache.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const b = randomFillSync(pool);
  let ms = nowMs;
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
