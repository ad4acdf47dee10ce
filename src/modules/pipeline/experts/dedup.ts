/**
 * Deduplicators: given a batch of dedup keys, say which are new (not seen within the window) and
 * remember them. A key's window starts at its first sighting; a repeat inside the window does not
 * extend it. Duplicates inside the same batch count: only the first occurrence is new.
 *
 * - MemoryDeduplicator: one process, time-bucketed, bounded memory (benchmark, tests, embedded use).
 * - DbDeduplicator (dedup-db.ts): shared by every process, one statement per batch, inside the
 *   caller's transaction so that keys are remembered only if the events are stored.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';

/** Checks a whole batch at once; `tx` is the caller's transaction (ignored by the memory one). */
export interface Deduplicator {
  check(keys: readonly string[], now: Date, tx?: Kysely<DB>): Promise<boolean[]>;
}

export const DEFAULT_DEDUP_WINDOW_MS = 24 * 3600_000;

export type MemoryDedupOptions = {
  windowMs?: number;
  /** Time buckets per window: keys expire between windowMs and windowMs + windowMs / buckets after first sighting. */
  buckets?: number;
  /** Past this many remembered keys the oldest buckets are dropped early (the window shrinks, memory does not grow). */
  maxKeys?: number;
};

// Value of each ASCII hex digit, -1 for other characters.
const HEX = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX['0123456789abcdef'.charCodeAt(d)] = d;
  HEX['0123456789ABCDEF'.charCodeAt(d)] = d;
}

/** The 64 bits of a key: its 16 hex digits (dedup-key.ts), or a hash of any other string. Sets wordHi/wordLo. */
let wordHi = 0;
let wordLo = 0;
function keyWords(key: string): void {
  let hi = 0;
  let lo = 0;
  if (key.length === 16) {
    for (let i = 0; i < 16; i++) {
      const c = key.charCodeAt(i);
      const v = c < 128 ? HEX[c]! : -1;
      if (v < 0) return hashWords(key);
      if (i < 8) hi = ((hi << 4) | v) >>> 0;
      else lo = ((lo << 4) | v) >>> 0;
    }
    wordHi = hi;
    wordLo = lo;
    return;
  }
  hashWords(key);
}

function hashWords(key: string): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  wordHi = (a ^ Math.imul(b, 0x27d4eb2d)) >>> 0;
  wordLo = (b ^ Math.imul(a, 0x85ebca6b)) >>> 0;
}

const MIN_CAPACITY = 1 << 12;

/**
 * In-memory deduplicator: an open-addressing hash table on typed arrays. Each slot holds a key's 64
 * bits and the time bucket of its first sighting (12 bytes a key; rebuilt at load 0.7 to at most 1/2,
 * so 17-24 bytes per remembered key and no object per key for the garbage collector to trace). A slot
 * whose bucket has left the window is expired: the key is new again, and the slot can be reused.
 * The table is rebuilt (expired slots dropped) when it fills; past maxKeys live keys the oldest
 * buckets are dropped early (the window shrinks, memory does not grow).
 */
export class MemoryDeduplicator implements Deduplicator {
  readonly windowMs: number;
  private readonly bucketMs: number;
  private readonly buckets: number;
  private readonly maxKeys: number;
  private hi = new Uint32Array(MIN_CAPACITY);
  private lo = new Uint32Array(MIN_CAPACITY);
  /** Bucket of first sighting + 1; 0 = never used. */
  private epoch = new Int32Array(MIN_CAPACITY);
  private used = 0;
  private evicted = 0;
  private lastOldest = 0;

  constructor(options: MemoryDedupOptions = {}) {
    this.windowMs = options.windowMs ?? DEFAULT_DEDUP_WINDOW_MS;
    this.buckets = Math.max(1, options.buckets ?? 24);
    this.bucketMs = Math.max(1, Math.ceil(this.windowMs / this.buckets));
    this.maxKeys = options.maxKeys ?? 8_000_000;
  }

  /** Keys inside the window as of the last check (scans the table: for tests and diagnostics). */
  get size(): number {
    return this.countFrom(this.lastOldest);
  }

  /** Keys dropped before their window ended because of maxKeys. */
  get evictedEarly(): number {
    return this.evicted;
  }

  /** Bytes held by the table. */
  get byteSize(): number {
    return this.hi.byteLength + this.lo.byteLength + this.epoch.byteLength;
  }

  check(keys: readonly string[], now: Date): Promise<boolean[]> {
    return Promise.resolve(this.checkSync(keys, now.getTime()));
  }

  /** Synchronous check: isNew per key, in order. */
  checkSync(keys: readonly string[], nowMs: number): boolean[] {
    const cur = Math.floor(nowMs / this.bucketMs) + 1;
    const oldest = cur - this.buckets; // epochs below this have left the window
    this.lastOldest = oldest;
    const result = new Array<boolean>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      if (10 * (this.used + 1) > 7 * this.hi.length || this.used >= this.maxKeys) this.rebuild(oldest);
      keyWords(keys[i]!);
      result[i] = this.touch(wordHi, wordLo, cur, oldest);
    }
    return result;
  }

  /**
   * isNew per key, in order, WITHOUT recording anything (a repeat inside the batch is not new):
   * the caller records the keys it kept with markSync once they are durable (its transaction
   * committed), so a rolled-back batch leaves no marks.
   */
  peekSync(keys: readonly string[], nowMs: number): boolean[] {
    const oldest = Math.floor(nowMs / this.bucketMs) + 1 - this.buckets;
    const result = new Array<boolean>(keys.length);
    // The batch's new keys, by their 64 bits, in a small open-addressing table of its own.
    let cap = 16;
    while (cap < 2 * keys.length) cap *= 2;
    const bhi = new Uint32Array(cap);
    const blo = new Uint32Array(cap);
    const taken = new Uint8Array(cap);
    for (let i = 0; i < keys.length; i++) {
      keyWords(keys[i]!);
      const h = wordHi;
      const l = wordLo;
      if (this.has(h, l, oldest)) {
        result[i] = false;
        continue;
      }
      let s = (Math.imul(l ^ h, 0x9e3779b1) >>> 0) & (cap - 1);
      while (taken[s] === 1 && !(bhi[s] === h && blo[s] === l)) s = (s + 1) & (cap - 1);
      result[i] = taken[s] === 0;
      taken[s] = 1;
      bhi[s] = h;
      blo[s] = l;
    }
    return result;
  }

  /** Records keys as seen at nowMs (the keys peekSync found new, once their batch committed). */
  markSync(keys: readonly string[], nowMs: number): void {
    this.checkSync(keys, nowMs);
  }

  /** True when the key is remembered inside the window. */
  private has(h: number, l: number, oldest: number): boolean {
    const mask = this.hi.length - 1;
    let s = (Math.imul(l ^ h, 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      const e = this.epoch[s]!;
      if (e === 0) return false;
      if (this.hi[s] === h && this.lo[s] === l) return e >= oldest;
      s = (s + 1) & mask;
    }
  }

  /** Finds the key; records it when absent or expired. True when new. */
  private touch(h: number, l: number, cur: number, oldest: number): boolean {
    const mask = this.hi.length - 1;
    const epoch = this.epoch;
    let s = (Math.imul(l ^ h, 0x9e3779b1) >>> 0) & mask;
    let reuse = -1;
    for (;;) {
      const e = epoch[s]!;
      if (e === 0) break;
      if (this.hi[s] === h && this.lo[s] === l) {
        if (e >= oldest) return false;
        epoch[s] = cur;
        return true;
      }
      if (reuse < 0 && e < oldest) reuse = s;
      s = (s + 1) & mask;
    }
    const at = reuse >= 0 ? reuse : s;
    if (reuse < 0) this.used++;
    this.hi[at] = h;
    this.lo[at] = l;
    epoch[at] = cur;
    return true;
  }

  /** Rehashes the live keys into a table sized for them (dropping the oldest buckets past maxKeys). */
  private rebuild(oldest: number): void {
    let cutoff = Math.max(oldest, 1); // epoch 0 marks an empty slot
    let live = this.countFrom(cutoff);
    // Past maxKeys, drop whole buckets, oldest first, down to 3/4 of it (so that rebuilds stay rare).
    if (live >= this.maxKeys) {
      while (live > (this.maxKeys * 3) / 4) {
        const dropped = this.countAt(cutoff++);
        live -= dropped;
        this.evicted += dropped;
      }
    }
    let capacity = MIN_CAPACITY;
    while (capacity < 2 * (live + 1)) capacity *= 2;
    const [hi, lo, epoch] = [this.hi, this.lo, this.epoch];
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.epoch = new Int32Array(capacity);
    this.used = 0;
    const mask = capacity - 1;
    for (let s = 0; s < hi.length; s++) {
      const e = epoch[s]!;
      if (e === 0 || e < cutoff) continue;
      let t = (Math.imul(lo[s]! ^ hi[s]!, 0x9e3779b1) >>> 0) & mask;
      while (this.epoch[t] !== 0) t = (t + 1) & mask;
      this.hi[t] = hi[s]!;
      this.lo[t] = lo[s]!;
      this.epoch[t] = e;
      this.used++;
    }
  }

  private countFrom(epochMin: number): number {
    let n = 0;
    for (let s = 0; s < this.epoch.length; s++) if (this.epoch[s] !== 0 && this.epoch[s]! >= epochMin) n++;
    return n;
  }

  private countAt(epoch: number): number {
    let n = 0;
    for (let s = 0; s < this.epoch.length; s++) if (this.epoch[s] === epoch) n++;
    return n;
  }
}
