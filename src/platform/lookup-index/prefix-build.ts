/** Building PrefixTables: a growable builder, sort, duplicate merge, parent sweep, runs of entries, search indexes. */
import { CIDR_HOST_BITS, CIDR_INVALID, maskOfWord, parseCidrInto, prefixEnd } from './cidr.ts';
import type { Family } from './cidr.ts';
import { CHAIN_CAP, metaStride, PrefixTable } from './prefix-table.ts';
import type { PrefixEntry, PrefixTableArrays } from './prefix-table.ts';
import { sortPrefixes } from './prefix-sort.ts';
import { fail } from './result.ts';
import type { Failure } from './result.ts';

// Tables of at least this many slots get a 2^16-bucket first-level index (256 KiB); smaller ones
// (the incremental delta tables, rebuilt often) use 2 buckets, i.e. a plain binary search.
const BIG_TABLE = 4096;

/** Collects (prefix, entry) pairs of one family, then builds an immutable PrefixTable. */
export class PrefixTableBuilder<E extends PrefixEntry = PrefixEntry> {
  readonly family: Family;
  private readonly wordCount: number;
  private starts: Uint32Array;
  private lengths: Uint8Array;
  private readonly entries: E[] = [];
  private readonly scratch = new Uint32Array(4);

  constructor(family: Family, capacity = 1024) {
    this.family = family;
    this.wordCount = family === 4 ? 1 : 4;
    this.starts = new Uint32Array(Math.max(16, capacity) * this.wordCount);
    this.lengths = new Uint8Array(Math.max(16, capacity));
  }

  /** Number of entries added so far. */
  get size(): number {
    return this.entries.length;
  }

  /** Adds a network given as words (host bits are cleared) and its entry. */
  add(words: ArrayLike<number>, off: number, length: number, entry: E): void {
    const n = this.entries.length;
    if (n === this.lengths.length) this.grow();
    const W = this.wordCount;
    for (let k = 0; k < W; k++) this.starts[n * W + k] = (words[off + k]! & maskOfWord(k, length)) >>> 0;
    this.lengths[n] = length;
    this.entries.push(entry);
  }

  /** Parses a canonical CIDR and adds it; returns the problem (wrong family included) or null. */
  addCidr(text: string, entry: E): Failure | null {
    const code = parseCidrInto(text, this.scratch);
    if (code === CIDR_INVALID) return fail('asset.invalid_cidr', `"${text}" is not a valid CIDR prefix`);
    if (code === CIDR_HOST_BITS) return fail('asset.cidr_host_bits', `"${text}" has host bits set`);
    if (code >> 8 !== this.family) return fail('asset.invalid_cidr', `"${text}" is not an IPv${this.family} prefix`);
    this.add(this.scratch, 0, code & 0xff, entry);
    return null;
  }

  /** Sorts, merges duplicates and links parents; the builder can be reused afterwards. */
  build(): PrefixTable<E> {
    return new PrefixTable(buildArrays(this.family, this.starts, this.lengths, this.entries.slice()));
  }

  private grow(): void {
    const starts = new Uint32Array(this.starts.length * 2);
    starts.set(this.starts);
    const lengths = new Uint8Array(this.lengths.length * 2);
    lengths.set(this.lengths);
    this.starts = starts;
    this.lengths = lengths;
  }
}

function sameSlot(starts: Uint32Array, lengths: Uint8Array, W: number, x: number, y: number): boolean {
  if (lengths[x] !== lengths[y]) return false;
  for (let k = 0; k < W; k++) if (starts[x * W + k] !== starts[y * W + k]) return false;
  return true;
}

/** Lays out sorted, de-duplicated slots, their metadata records and their runs of entries. */
function buildArrays<E extends PrefixEntry>(family: Family, starts: Uint32Array, lengths: Uint8Array, entries: E[]): PrefixTableArrays<E> {
  const W = family === 4 ? 1 : 4;
  const M = metaStride(family);
  const n = entries.length;
  const perm = sortPrefixes(starts, lengths, W, n);
  let slots = 0;
  for (let k = 0; k < n; k++) if (k === 0 || !sameSlot(starts, lengths, W, perm[k]!, perm[k - 1]!)) slots++;
  const start = new Uint32Array(slots * W);
  const end = new Uint32Array(slots * W);
  const ownFrom = new Int32Array(slots + 1); // slot s owns entries perm[ownFrom[s] .. ownFrom[s + 1])
  for (let k = 0, s = -1; k < n; k++) {
    if (k === 0 || !sameSlot(starts, lengths, W, perm[k]!, perm[k - 1]!)) {
      ownFrom[++s] = k;
      for (let w = 0; w < W; w++) start[s * W + w] = starts[perm[k]! * W + w]!;
      prefixEnd(start, s * W, W, lengths[perm[k]!]!, end, s * W);
    }
  }
  ownFrom[slots] = n;
  const parent = linkParents(start, end, W, slots);
  // Runs: each slot's own entries, then whole enclosing slots, innermost first, while the copies
  // stay within CHAIN_CAP. Sized first so that the chain array has no spare capacity.
  const meta = new Uint32Array((slots + 1) * M);
  let total = 0;
  for (let s = 0; s < slots; s++) {
    const at = s * M + W;
    let copied = 0;
    let x = parent[s]!;
    for (; x >= 0; x = parent[x]!) {
      const xOwn = ownFrom[x + 1]! - ownFrom[x]!;
      if (copied + xOwn > CHAIN_CAP) break;
      copied += xOwn;
    }
    const own = ownFrom[s + 1]! - ownFrom[s]!;
    for (let w = 0; w < W; w++) meta[s * M + w] = end[s * W + w]!;
    meta[at] = parent[s]! >>> 0;
    meta[at + 1] = total;
    meta[at + 2] = x >>> 0;
    meta[at + 3] = (lengths[perm[ownFrom[s]!]!]! | (own << 8)) >>> 0;
    total += own + copied;
  }
  const chain = new Array<E>(total);
  for (let s = 0, j = 0; s < slots; s++) {
    for (let k = ownFrom[s]!; k < ownFrom[s + 1]!; k++) chain[j++] = entries[perm[k]!]!;
    for (let x = parent[s]!, stop = meta[s * M + W + 2]! | 0; x !== stop; x = parent[x]!) {
      const from = meta[x * M + W + 1]!; // x's own entries open its run
      for (let k = from, to = from + ownFrom[x + 1]! - ownFrom[x]!; k < to; k++) chain[j++] = chain[k]!;
    }
  }
  meta[slots * M + W + 1] = total; // sentinel: where the last run ends
  const bucketShift = slots >= BIG_TABLE ? 16 : 31;
  const bucket = bucketIndex(start, W, slots, bucketShift);
  const head = new Uint32Array(W === 4 ? slots * 2 : 0); // IPv6 search keys: the first 64 bits
  for (let s = 0; s < head.length / 2; s++) {
    head[2 * s] = start[4 * s]!;
    head[2 * s + 1] = start[4 * s + 1]!;
  }
  return { family, start, meta, bucket, bucketShift, head, chain, entryCount: n };
}

/** True when end of slot t is before start of slot i (t does not enclose i). */
function endsBefore(end: Uint32Array, start: Uint32Array, W: number, t: number, i: number): boolean {
  for (let k = 0; k < W; k++) {
    const e = end[t * W + k]!;
    const s = start[i * W + k]!;
    if (e !== s) return e < s;
  }
  return false;
}

/** Stack sweep: parent[i] = innermost earlier slot whose range still encloses slot i. */
function linkParents(start: Uint32Array, end: Uint32Array, W: number, slots: number): Int32Array {
  const parent = new Int32Array(slots);
  const stack = new Int32Array(W * 32 + 2);
  let top = -1;
  for (let i = 0; i < slots; i++) {
    while (top >= 0 && endsBefore(end, start, W, stack[top]!, i)) top--;
    parent[i] = top >= 0 ? stack[top]! : -1;
    stack[++top] = i;
  }
  return parent;
}

/** bucket[h] = first slot whose first start word, shifted right by `shift`, is >= h. */
function bucketIndex(start: Uint32Array, W: number, slots: number, shift: number): Int32Array {
  const buckets = 2 ** (32 - shift);
  const bucket = new Int32Array(buckets + 1);
  let s = 0;
  for (let h = 0; h <= buckets; h++) {
    while (s < slots && start[s * W]! >>> shift < h) s++;
    bucket[h] = s;
  }
  return bucket;
}

/** Builds a table from entries, taking each entry's CIDR text from prefixOf; invalid ones are reported. */
export function buildPrefixTable<E extends PrefixEntry>(
  family: Family,
  entries: readonly E[],
  prefixOf: (entry: E) => string,
): { table: PrefixTable<E>; errors: { entry: E; error: Failure }[] } {
  const builder = new PrefixTableBuilder<E>(family, entries.length);
  const errors: { entry: E; error: Failure }[] = [];
  for (const entry of entries) {
    const error = builder.addCidr(prefixOf(entry), entry);
    if (error) errors.push({ entry, error });
  }
  return { table: builder.build(), errors };
}
