/**
 * Immutable longest-prefix-match table for one address family.
 *
 * CIDR prefixes form a laminar family (two prefixes are nested or disjoint). Slots (distinct
 * prefixes) are sorted by (start asc, length asc) in typed arrays; parent[i] is the innermost
 * enclosing slot. Lookup of a: the last slot with start <= a, then follow parent while end < a.
 * Identical prefixes share a slot whose entries live in a CSR layout (offsets + entryIndex).
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

/** The typed arrays of a built table (see prefix-build.ts). */
export interface PrefixTableArrays<E extends PrefixEntry> {
  readonly family: Family;
  readonly start: Uint32Array;
  readonly end: Uint32Array;
  readonly len: Uint8Array;
  readonly parent: Int32Array;
  readonly offsets: Int32Array;
  readonly entryIndex: Int32Array;
  readonly bucket: Int32Array;
  /** First-level index key: the first start word >>> bucketShift (16, or 31 for small tables). */
  readonly bucketShift: number;
  readonly entries: readonly E[];
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

export class PrefixTable<E extends PrefixEntry = PrefixEntry> {
  readonly family: Family;
  readonly wordCount: number;
  readonly slotCount: number;
  readonly entryCount: number;
  private readonly a: PrefixTableArrays<E>;
  private readonly start: Uint32Array;
  private readonly end: Uint32Array;
  private readonly parent: Int32Array;
  private readonly bucket: Int32Array;
  private readonly shift: number;

  constructor(arrays: PrefixTableArrays<E>) {
    this.a = arrays;
    this.family = arrays.family;
    this.wordCount = arrays.family === 4 ? 1 : 4;
    this.slotCount = arrays.len.length;
    this.entryCount = arrays.entryIndex.length;
    this.start = arrays.start;
    this.end = arrays.end;
    this.parent = arrays.parent;
    this.bucket = arrays.bucket;
    this.shift = arrays.bucketShift;
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
    let i = lo - 1;
    while (i >= 0 && this.end[i]! < a) i = this.parent[i]!;
    return i;
  }

  /** Most specific slot containing the IPv6 address in words[off..off+4), or -1. Allocation-free. */
  lookupV6(words: ArrayLike<number>, off = 0): number {
    const a0 = words[off]! >>> 0;
    const a1 = words[off + 1]! >>> 0;
    const a2 = words[off + 2]! >>> 0;
    const a3 = words[off + 3]! >>> 0;
    const h = a0 >>> this.shift;
    let lo = this.bucket[h]!;
    let hi = this.bucket[h + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmpWords(this.start, mid * 4, a0, a1, a2, a3) <= 0) lo = mid + 1;
      else hi = mid;
    }
    let i = lo - 1;
    while (i >= 0 && cmpWords(this.end, i * 4, a0, a1, a2, a3) < 0) i = this.parent[i]!;
    return i;
  }

  /** Most specific slot containing the address (1 or 4 words depending on the family), or -1. */
  lookup(words: ArrayLike<number>, off = 0): number {
    return this.wordCount === 1 ? this.lookupV4(words[off]!) : this.lookupV6(words, off);
  }

  /** Innermost slot enclosing `slot`, or -1. */
  parentOf(slot: number): number {
    return this.parent[slot]!;
  }

  /** Prefix length of a slot. */
  lengthOf(slot: number): number {
    return this.a.len[slot]!;
  }

  /** Canonical text of a slot's prefix, e.g. "198.51.100.0/24". */
  prefixOf(slot: number): string {
    return formatPrefix(this.family, this.start, slot * this.wordCount, this.a.len[slot]!);
  }

  /** First position of the slot's entries (use with entriesEnd and entryAt). */
  entriesStart(slot: number): number {
    return this.a.offsets[slot]!;
  }

  /** One past the last position of the slot's entries. */
  entriesEnd(slot: number): number {
    return this.a.offsets[slot + 1]!;
  }

  /** The entry at a position between entriesStart and entriesEnd. */
  entryAt(position: number): E {
    return this.a.entries[this.a.entryIndex[position]!]!;
  }

  /** Materializes the matches of `slot` and all its ancestors, most specific first. */
  matchesOf(slot: number): PrefixMatch[] {
    const out: PrefixMatch[] = [];
    for (let s = slot; s >= 0; s = this.parent[s]!) this.pushSlot(s, out);
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
    while (s >= 0 && this.a.len[s]! > cidr.length) s = this.parent[s]!;
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
    let from = this.lowerBound(cidr.words);
    while (from < this.slotCount && this.a.len[from]! <= cidr.length && this.sameStart(from, cidr.words)) from++;
    const last = new Uint32Array(W);
    prefixEnd(cidr.words, 0, W, cidr.length, last, 0);
    const to = this.upperBound(last);
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
      for (let k = this.entriesStart(s); k < this.entriesEnd(s); k++) fn(this.start, s * this.wordCount, this.a.len[s]!, this.entryAt(k));
    }
  }

  /** Bytes held by the typed arrays plus one pointer per entry. */
  byteSize(): number {
    const a = this.a;
    const typed = [a.start, a.end, a.len, a.parent, a.offsets, a.entryIndex, a.bucket];
    return typed.reduce((sum, t) => sum + t.byteLength, 0) + a.entries.length * 8;
  }

  private pushSlot(s: number, out: PrefixMatch[], limit = Infinity): void {
    const prefix = this.prefixOf(s);
    const length = this.a.len[s]!;
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
    return cmpWords(this.start, slot * 4, w[0]!, w[1]!, w[2]!, w[3]!);
  }

  /** First slot with start >= words. */
  private lowerBound(words: ArrayLike<number>): number {
    let lo = 0;
    let hi = this.slotCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmpStart(mid, words) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First slot with start > words. */
  private upperBound(words: ArrayLike<number>): number {
    let lo = 0;
    let hi = this.slotCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmpStart(mid, words) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
