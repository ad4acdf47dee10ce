/**
 * A compact, immutable longest-prefix-match table over IPv4 and IPv6 prefixes, each carrying a value
 * (the ASN record of a pfx2as line, or `true` for a rule's CIDR list).
 *
 * CIDR prefixes are laminar (two are nested or disjoint). Prefixes are sorted by (start asc, length
 * asc) in typed arrays with, for each, its last address and its innermost enclosing prefix. A lookup
 * binary-searches the last prefix starting at or before the address, then climbs enclosing prefixes
 * while the address lies past their end: no allocation, O(log n + nesting depth).
 */
import { isIPv4Mapped } from '../../../platform/lookup-index/index.ts';
import { ADDRESS_WORDS, IS_IPV6, parseAddress } from './ip-memo.ts';

type Family = 4 | 6;

/** The prefixes of one family in search order. */
type FamilyTable<V> = {
  readonly start: Uint32Array;
  readonly end: Uint32Array;
  readonly parent: Int32Array;
  readonly values: readonly V[];
};

/** A table's arrays, per family. */
export type PrefixLpmTables<V> = { readonly v4: FamilyTable<V>; readonly v6: FamilyTable<V> };

function mask(bits: number): number {
  if (bits <= 0) return 0;
  return bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
}

function cmp4(arr: Uint32Array, at: number, a0: number, a1: number, a2: number, a3: number): number {
  let x = arr[at]!;
  if (x !== a0) return x < a0 ? -1 : 1;
  x = arr[at + 1]!;
  if (x !== a1) return x < a1 ? -1 : 1;
  x = arr[at + 2]!;
  if (x !== a2) return x < a2 ? -1 : 1;
  x = arr[at + 3]!;
  return x === a3 ? 0 : x < a3 ? -1 : 1;
}

/** Collects prefixes, then builds a PrefixLpm. On identical prefixes the first one added wins. */
export class PrefixLpmBuilder<V> {
  private readonly items: { 4: { words: number[]; lengths: number[]; values: V[] }; 6: { words: number[]; lengths: number[]; values: V[] } } = {
    4: { words: [], lengths: [], values: [] },
    6: { words: [], lengths: [], values: [] },
  };

  /** Adds a network (1 or 4 big-endian words; host bits are cleared) of the given family and length. */
  add(family: Family, words: ArrayLike<number>, length: number, value: V): void {
    const it = this.items[family];
    const n = family === 4 ? 1 : 4;
    for (let k = 0; k < n; k++) it.words.push((words[k]! & mask(length - 32 * k)) >>> 0);
    it.lengths.push(length);
    it.values.push(value);
  }

  /** Builds the immutable table. */
  build(): PrefixLpm<V> {
    return new PrefixLpm(buildFamily(4, this.items[4]), buildFamily(6, this.items[6]));
  }
}

function buildFamily<V>(family: Family, it: { words: number[]; lengths: number[]; values: V[] }): FamilyTable<V> {
  const W = family === 4 ? 1 : 4;
  const n = it.lengths.length;
  const w = it.words;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    for (let k = 0; k < W; k++) {
      const d = w[a * W + k]! - w[b * W + k]!;
      if (d !== 0) return d;
    }
    return it.lengths[a]! - it.lengths[b]! || a - b;
  });
  const start = new Uint32Array(n * W);
  const end = new Uint32Array(n * W);
  const parent = new Int32Array(n);
  const values: V[] = [];
  const stack: number[] = [];
  let m = 0;
  let prev = -1; // the last prefix kept, as an index into the builder's arrays
  for (const i of order) {
    const len = it.lengths[i]!;
    if (prev >= 0 && it.lengths[prev] === len && sameWords(w, prev * W, i * W, W)) continue;
    prev = i;
    for (let k = 0; k < W; k++) {
      start[m * W + k] = w[i * W + k]!;
      end[m * W + k] = (w[i * W + k]! | ~mask(len - 32 * k)) >>> 0;
    }
    while (stack.length > 0 && cmpWords(end, stack[stack.length - 1]! * W, start, m * W, W) < 0) stack.pop();
    parent[m] = stack.length > 0 ? stack[stack.length - 1]! : -1;
    stack.push(m);
    values.push(it.values[i]!);
    m++;
  }
  return { start: start.slice(0, m * W), end: end.slice(0, m * W), parent: parent.slice(0, m), values };
}

function sameWords(w: number[], aAt: number, bAt: number, W: number): boolean {
  for (let k = 0; k < W; k++) if (w[aAt + k] !== w[bAt + k]) return false;
  return true;
}

function cmpWords(a: Uint32Array, aAt: number, b: Uint32Array, bAt: number, W: number): number {
  for (let k = 0; k < W; k++) {
    const x = a[aAt + k]!;
    const y = b[bAt + k]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export class PrefixLpm<V> {
  private readonly v4: FamilyTable<V>;
  private readonly v6: FamilyTable<V>;

  constructor(v4: FamilyTable<V>, v6: FamilyTable<V>) {
    this.v4 = v4;
    this.v6 = v6;
  }

  /** The table's arrays (structured-cloneable: how another thread gets the table). */
  tables(): PrefixLpmTables<V> {
    return { v4: this.v4, v6: this.v6 };
  }

  /** A table from the arrays another thread's `tables()` gave. */
  static fromTables<V>(t: PrefixLpmTables<V>): PrefixLpm<V> {
    return new PrefixLpm(t.v4, t.v6);
  }

  /** Number of distinct prefixes per family. */
  get counts(): { v4: number; v6: number } {
    return { v4: this.v4.parent.length, v6: this.v6.parent.length };
  }

  /** Value of the longest prefix containing IPv4 address a (uint32), or undefined. Allocation-free. */
  lookupV4(a: number): V | undefined {
    a >>>= 0;
    const { start, end, parent } = this.v4;
    let lo = 0;
    let hi = parent.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (start[mid]! <= a) lo = mid + 1;
      else hi = mid;
    }
    let i = lo - 1;
    while (i >= 0 && end[i]! < a) i = parent[i]!;
    return i >= 0 ? this.v4.values[i] : undefined;
  }

  /** Value of the longest prefix containing the IPv6 address in words[off..off+4); IPv4-mapped addresses use the IPv4 table. */
  lookupV6(words: ArrayLike<number>, off = 0): V | undefined {
    if (isIPv4Mapped(words, off)) return this.lookupV4(words[off + 3]!);
    const a0 = words[off]! >>> 0;
    const a1 = words[off + 1]! >>> 0;
    const a2 = words[off + 2]! >>> 0;
    const a3 = words[off + 3]! >>> 0;
    const { start, end, parent } = this.v6;
    let lo = 0;
    let hi = parent.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp4(start, mid * 4, a0, a1, a2, a3) <= 0) lo = mid + 1;
      else hi = mid;
    }
    let i = lo - 1;
    while (i >= 0 && cmp4(end, i * 4, a0, a1, a2, a3) < 0) i = parent[i]!;
    return i >= 0 ? this.v6.values[i] : undefined;
  }

  /** Looks up an address given as text (IPv4 or IPv6); undefined when not an address or not covered. */
  lookupText(ip: string): V | undefined {
    const a = parseAddress(ip);
    if (a >= 0) return this.lookupV4(a);
    return a === IS_IPV6 ? this.lookupV6(ADDRESS_WORDS, 0) : undefined;
  }

  /** Bytes held by the typed arrays plus a pointer per value. */
  byteSize(): number {
    const t = (f: FamilyTable<V>) => f.start.byteLength + f.end.byteLength + f.parent.byteLength + f.values.length * 8;
    return t(this.v4) + t(this.v6);
  }
}
