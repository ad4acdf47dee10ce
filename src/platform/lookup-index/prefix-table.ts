/**
 * Immutable longest-prefix-match table for one address family.
 *
 * CIDR prefixes form a laminar family (two prefixes are nested or disjoint). Slots (distinct
 * prefixes) are sorted by (start asc, length asc) in typed arrays; parent is the innermost
 * enclosing slot. Lookup of a: the last slot with start <= a (a 2^16-bucket index on the first
 * 16 bits, then a binary search; IPv6 searches a compact copy of the first 64 bits of each start),
 * then follow parent while end < a.
 * Identical prefixes share a slot. Each slot's answer (its entries, then those of its enclosing
 * slots, most specific first) is stored precomputed as one contiguous run of a chain array, up to
 * CHAIN_CAP entries; a longer answer continues with the run of the first enclosing slot left out.
 * A full lookup thus reads the search path, one metadata record and (usually) one run, instead
 * of a record and an entry list per enclosing prefix, each a likely cache miss.
 */
import { formatPrefix, prefixEnd } from './cidr.ts';
import type { Cidr, Family } from './cidr.ts';

/** One asset attached to a prefix. */
export interface PrefixEntry {
  readonly assetId: string;
  readonly organizationId: string;
}

/** A materialized match: the entry and its prefix. */
export interface PrefixMatch {
  readonly assetId: string;
  readonly organizationId: string;
  readonly prefix: string;
  readonly length: number;
}

/** Most entries copied from enclosing slots into a slot's run (its own entries are always there). */
export const CHAIN_CAP = 8;

/**
 * Words per slot record in PrefixTableArrays.meta: the last address (1 or 4 words), then parent,
 * run start, next (the enclosing slot whose run continues this one) and length | own count << 8
 * (so a prefix holds fewer than 2^24 entries).
 */
export function metaStride(family: Family): number {
  return family === 4 ? 5 : 8;
}

/** The typed arrays of a built table (see prefix-build.ts). */
export interface PrefixTableArrays<E extends PrefixEntry> {
  readonly family: Family;
  /** Network words of each slot (1 or 4 per slot), sorted. */
  readonly start: Uint32Array;
  /**
   * One record of metaStride(family) words per slot, plus a sentinel whose run start ends the last
   * run (a run ends where the next record's starts). Slot numbers -1 are stored as 0xffffffff.
   */
  readonly meta: Uint32Array;
  /** IPv6: the first two start words of each slot (the search keys); empty for IPv4. */
  readonly head: Uint32Array;
  /** First-level index: bucket[h] = first slot whose first start word >>> bucketShift is >= h. */
  readonly bucket: Int32Array;
  /** 16, or 31 for small tables. */
  readonly bucketShift: number;
  /** Runs of entries: slot s's own entries, then those of enclosing slots (see CHAIN_CAP). */
  readonly chain: readonly E[];
  /** Number of (prefix, entry) pairs. */
  readonly entryCount: number;
}

function cmpWords(arr: Uint32Array, base: number, a0: number, a1: number, a2: number, a3: number): number {
  let x = arr[base]!;
  if (x !== a0) return x < a0 ? -1 : 1;
  x = arr[base + 1]!;
  if (x !== a1) return x < a1 ? -1 : 1;
  x = arr[base + 2]!;
  if (x !== a2) return x < a2 ? -1 : 1;
  x = arr[base + 3]!;
  return x === a3 ? 0 : x < a3 ? -1 : 1;
}

/** Last position in [lo, hi) of a sorted array of 4-word keys whose key is <= a; lo - 1 when none. */
function lastAtMost(keys: Uint32Array, lo: number, hi: number, a0: number, a1: number, a2: number, a3: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmpWords(keys, mid * 4, a0, a1, a2, a3) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export class PrefixTable<E extends PrefixEntry = PrefixEntry> {
  readonly family: Family;
  readonly wordCount: number;
  readonly slotCount: number;
  readonly entryCount: number;
  private readonly start: Uint32Array;
  private readonly meta: Uint32Array;
  private readonly stride: number;
  private readonly bucket: Int32Array;
  private readonly head: Uint32Array;
  private readonly shift: number;
  private readonly chain: readonly E[];

  constructor(arrays: PrefixTableArrays<E>) {
    this.family = arrays.family;
    this.wordCount = arrays.family === 4 ? 1 : 4;
    this.stride = metaStride(arrays.family);
    this.slotCount = arrays.start.length / this.wordCount;
    this.entryCount = arrays.entryCount;
    this.start = arrays.start;
    this.meta = arrays.meta;
    this.bucket = arrays.bucket;
    this.head = arrays.head;
    this.shift = arrays.bucketShift;
    this.chain = arrays.chain;
  }

  /** Most specific slot containing IPv4 address a (uint32), or -1. Allocation-free. */
  lookupV4(a: number): number {
    a >>>= 0;
    const h = a >>> this.shift;
    let lo = this.bucket[h]!;
    let hi = this.bucket[h + 1]!;
    const start = this.start;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (start[mid]! <= a) lo = mid + 1;
      else hi = mid;
    }
    const meta = this.meta;
    let i = lo - 1;
    while (i >= 0 && meta[i * 5]! < a) i = meta[i * 5 + 1]! | 0;
    return i;
  }

  /** Most specific slot containing the IPv6 address in words[off..off+4), or -1. Allocation-free. */
  lookupV6(words: ArrayLike<number>, off = 0): number {
    const a0 = words[off]! >>> 0;
    const a1 = words[off + 1]! >>> 0;
    const a2 = words[off + 2]! >>> 0;
    const a3 = words[off + 3]! >>> 0;
    const h = a0 >>> this.shift;
    const lo = this.bucket[h]!;
    // Search on the first 64 bits only (twice as many keys per cache line). If the slot found has
    // exactly a's first 64 bits it starts at or before a when it is at most a /64 (its other bits
    // are 0); a longer one may start after a, and then the range gets a full 128-bit search.
    const head = this.head;
    let l = lo;
    let r = this.bucket[h + 1]!;
    while (l < r) {
      const mid = (l + r) >>> 1;
      const x = head[2 * mid]!;
      if (x < a0 || (x === a0 && head[2 * mid + 1]! <= a1)) l = mid + 1;
      else r = mid;
    }
    let i = l - 1;
    const meta = this.meta;
    if (i >= lo && head[2 * i] === a0 && head[2 * i + 1] === a1 && (meta[i * 8 + 7]! & 0xff) > 64) {
      i = lastAtMost(this.start, lo, i + 1, a0, a1, a2, a3);
    }
    while (i >= 0 && cmpWords(meta, i * 8, a0, a1, a2, a3) < 0) i = meta[i * 8 + 4]! | 0;
    return i;
  }

  /** Most specific slot containing the address (1 or 4 words depending on the family), or -1. */
  lookup(words: ArrayLike<number>, off = 0): number {
    return this.wordCount === 1 ? this.lookupV4(words[off]!) : this.lookupV6(words, off);
  }

  /** Innermost slot enclosing `slot`, or -1. */
  parentOf(slot: number): number {
    return this.meta[slot * this.stride + this.wordCount]! | 0;
  }

  /** Prefix length of a slot. */
  lengthOf(slot: number): number {
    return this.meta[slot * this.stride + this.wordCount + 3]! & 0xff;
  }

  /** Canonical text of a slot's prefix, e.g. "198.51.100.0/24". */
  prefixOf(slot: number): string {
    return formatPrefix(this.family, this.start, slot * this.wordCount, this.lengthOf(slot));
  }

  /** First position of the slot's own entries (use with entriesEnd and entryAt). */
  entriesStart(slot: number): number {
    return this.meta[slot * this.stride + this.wordCount + 1]!;
  }

  /** One past the last position of the slot's own entries. */
  entriesEnd(slot: number): number {
    const at = slot * this.stride + this.wordCount;
    return this.meta[at + 1]! + (this.meta[at + 3]! >>> 8);
  }

  /** The entry at a position between entriesStart and entriesEnd. */
  entryAt(position: number): E {
    return this.chain[position]!;
  }

  /** The entries of `slot` and of every enclosing slot, most specific first, as a new array. */
  chainOf(slot: number): E[] {
    const meta = this.meta;
    const M = this.stride;
    const W = this.wordCount;
    let n = 0;
    for (let s = slot; s >= 0; s = meta[s * M + W + 2]! | 0) n += meta[s * M + M + W + 1]! - meta[s * M + W + 1]!;
    const out = new Array<E>(n); // exact size: cheaper than growing an array push by push
    let j = 0;
    for (let s = slot; s >= 0; s = meta[s * M + W + 2]! | 0) {
      for (let k = meta[s * M + W + 1]!, end = meta[s * M + M + W + 1]!; k < end; k++) out[j++] = this.chain[k]!;
    }
    return out;
  }

  /** Materializes the matches of `slot` and all its ancestors, most specific first. */
  matchesOf(slot: number): PrefixMatch[] {
    const out: PrefixMatch[] = [];
    for (let s = slot; s >= 0; s = this.parentOf(s)) this.pushSlot(s, out);
    return out;
  }

  /** All matches for an address (uint32 for IPv4, 4 words for IPv6), most specific first. */
  matchAddress(address: number | ArrayLike<number>): PrefixMatch[] {
    return this.matchesOf(typeof address === 'number' ? this.lookupV4(address) : this.lookup(address));
  }

  /** Most specific slot that contains or equals the prefix, or -1. */
  coveringSlot(cidr: Cidr): number {
    if (cidr.family !== this.family) return -1;
    let s = this.lookup(cidr.words);
    while (s >= 0 && this.lengthOf(s) > cidr.length) s = this.parentOf(s);
    return s;
  }

  /** Prefixes that contain or equal `cidr`, most specific first. */
  covering(cidr: Cidr): PrefixMatch[] {
    return this.matchesOf(this.coveringSlot(cidr));
  }

  /** Slot range [from, to) of the prefixes strictly inside `cidr` (sorted by start). */
  coveredSlotRange(cidr: Cidr): { from: number; to: number } {
    if (cidr.family !== this.family) return { from: 0, to: 0 };
    const W = this.wordCount;
    let from = this.bound(cidr.words, false);
    while (from < this.slotCount && this.lengthOf(from) <= cidr.length && this.sameStart(from, cidr.words)) from++;
    const last = new Uint32Array(W);
    prefixEnd(cidr.words, 0, W, cidr.length, last, 0);
    const to = this.bound(last, true);
    return { from, to: Math.max(from, to) };
  }

  /** Prefixes strictly inside `cidr` in address order, at most `limit` entries. */
  coveredBy(cidr: Cidr, limit = Infinity): PrefixMatch[] {
    const { from, to } = this.coveredSlotRange(cidr);
    const out: PrefixMatch[] = [];
    for (let s = from; s < to && out.length < limit; s++) this.pushSlot(s, out, limit);
    return out;
  }

  /** Calls fn for every (prefix, entry) pair; words/off point into internal storage (read only). */
  forEachEntry(fn: (words: Uint32Array, off: number, length: number, entry: E) => void): void {
    for (let s = 0; s < this.slotCount; s++) {
      for (let k = this.entriesStart(s); k < this.entriesEnd(s); k++) fn(this.start, s * this.wordCount, this.lengthOf(s), this.entryAt(k));
    }
  }

  /** Bytes held by the typed arrays plus one pointer per chain position. */
  byteSize(): number {
    const typed = [this.start, this.meta, this.bucket, this.head];
    return typed.reduce((sum, t) => sum + t.byteLength, 0) + this.chain.length * 8;
  }

  private pushSlot(s: number, out: PrefixMatch[], limit = Infinity): void {
    const prefix = this.prefixOf(s);
    const length = this.lengthOf(s);
    for (let k = this.entriesStart(s); k < this.entriesEnd(s) && out.length < limit; k++) {
      const e = this.entryAt(k);
      out.push({ assetId: e.assetId, organizationId: e.organizationId, prefix, length });
    }
  }

  private sameStart(slot: number, words: ArrayLike<number>): boolean {
    for (let k = 0; k < this.wordCount; k++) if (this.start[slot * this.wordCount + k] !== words[k]) return false;
    return true;
  }

  private cmpStart(slot: number, w: ArrayLike<number>): number {
    if (this.wordCount === 1) return Math.sign(this.start[slot]! - w[0]!);
    return cmpWords(this.start, slot * 4, w[0]! >>> 0, w[1]! >>> 0, w[2]! >>> 0, w[3]! >>> 0);
  }

  /** First slot whose start is >= words, or > words when `after`. */
  private bound(words: ArrayLike<number>, after: boolean): number {
    let lo = 0;
    let hi = this.slotCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.cmpStart(mid, words);
      if (c < 0 || (after && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
