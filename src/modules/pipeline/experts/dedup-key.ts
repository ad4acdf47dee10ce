/**
 * Deduplication keys: a short, stable hash of the fields that make two events "the same".
 *
 * The hash is two independent 32-bit multiplicative lanes (FNV-1a and a MurmurHash2-style lane)
 * over the field values, finished with MurmurHash3's fmix32: 64 bits written as 16 hex characters.
 * It costs no allocation per character and about 0.1 µs per event, where a SHA-256 costs ~1 µs.
 *
 * Collision risk: with n distinct keys alive in the window, the chance that any two collide is about
 * n² / 2^65 (1e-6 for 6 million keys a day). A collision makes one event look like a duplicate of
 * another and suppresses it. The hash is not cryptographic: a feed that could choose its events
 * freely could craft a collision with another event of the same key namespace on purpose, which is
 * why keys are namespaced (per feed, when the runtime passes the feed id).
 */
import type { HarmonizedEvent } from '../pipeline.types.ts';

/** The default key: what makes two scan or infection events the same observation. */
export const DEFAULT_DEDUP_FIELDS: readonly string[] = [
  'classification.type',
  'source.ip',
  'source.port',
  'source.fqdn',
  'source.url',
  'destination.ip',
  'destination.port',
  'malware.name',
];

/** Turns an event into its dedup key (16 lowercase hex characters). */
export type DedupKeyer = (event: HarmonizedEvent) => string;

const FIELD_SEP = 0x1f;
const MISSING = 0x1e;
const HEX = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];
const out: number[] = new Array<number>(16).fill(48);

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The hashing state: two lanes, advanced character by character. */
class Lanes {
  a = 0x811c9dc5;
  b = 0x9747b28c;

  reset(a: number, b: number): void {
    this.a = a;
    this.b = b;
  }

  char(c: number): void {
    this.a = Math.imul(this.a ^ c, 0x01000193);
    const k = Math.imul(c + 0x2f, 0x5bd1e995);
    this.b = Math.imul(this.b, 0x5bd1e995) ^ (k ^ (k >>> 24));
  }

  text(s: string): void {
    for (let i = 0; i < s.length; i++) this.char(s.charCodeAt(i));
  }
}

function hashValue(lanes: Lanes, v: HarmonizedEvent[string] | undefined): void {
  if (v === undefined || v === '') lanes.char(MISSING);
  else if (typeof v === 'string') lanes.text(v);
  // Numbers hash as their decimal text, so 80 and "80" are the same key whatever the parser typed.
  else if (typeof v === 'number' || typeof v === 'boolean') lanes.text(String(v));
  else lanes.text(JSON.stringify(v));
}

/**
 * Builds the key function for a list of fields. `namespace` (e.g. the feed id) is hashed first, so
 * two feeds with a namespace each never deduplicate against each other; '' shares keys globally.
 */
export function createDedupKeyer(fields: readonly string[] = DEFAULT_DEDUP_FIELDS, namespace = ''): DedupKeyer {
  const lanes = new Lanes();
  lanes.text(namespace);
  lanes.char(FIELD_SEP);
  const seedA = lanes.a;
  const seedB = lanes.b;
  const list = [...fields];
  return (event) => {
    lanes.reset(seedA, seedB);
    for (let f = 0; f < list.length; f++) {
      hashValue(lanes, event[list[f]!]);
      lanes.char(FIELD_SEP);
    }
    const hi = fmix32(lanes.a ^ Math.imul(lanes.b, 0x27d4eb2d));
    const lo = fmix32(lanes.b ^ hi);
    for (let i = 0; i < 8; i++) {
      out[i] = HEX[(hi >>> (28 - 4 * i)) & 15]!;
      out[8 + i] = HEX[(lo >>> (28 - 4 * i)) & 15]!;
    }
    return String.fromCharCode.apply(null, out);
  };
}
