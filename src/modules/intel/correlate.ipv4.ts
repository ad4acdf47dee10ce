/**
 * IPv4 addresses of events, sorted (radix sort) in typed arrays: an address or a range is one
 * binary search and a scan of the addresses inside it. Events added later go to a small unsorted
 * tail that is merged in once it passes `MAX_TAIL` and half the sorted part (each merge re-sorts
 * everything: merging every 64k addresses of a ten-million build was quadratic).
 */
const MAX_TAIL = 65_536;

/** Stable LSD radix sort (two 16-bit passes) of `keys`, carrying `ids` along. */
function radixSort(keys: Uint32Array, ids: Float64Array): { keys: Uint32Array; ids: Float64Array } {
  let k = keys;
  let v = ids;
  for (const shift of [0, 16]) {
    const count = new Uint32Array(65_537);
    for (let i = 0; i < k.length; i++) count[((k[i]! >>> shift) & 0xffff) + 1]!++;
    for (let i = 1; i < count.length; i++) count[i]! += count[i - 1]!;
    const k2 = new Uint32Array(k.length);
    const v2 = new Float64Array(k.length);
    for (let i = 0; i < k.length; i++) {
      const d = count[(k[i]! >>> shift) & 0xffff]!++;
      k2[d] = k[i]!;
      v2[d] = v[i]!;
    }
    k = k2;
    v = v2;
  }
  return { keys: k, ids: v };
}

function lowerBound(a: Uint32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The IPv4 address `a.b.c.d` (decimal octets of 1 to 3 digits) as an unsigned 32-bit number, or null. */
export function ipv4ToInt(s: string): number | null {
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + c - 48;
      if (++digits > 3) return null;
    } else if (c === 46) {
      if (digits === 0 || octet > 255) return null;
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else return null;
  }
  return dots === 4 ? n : null;
}

export const intToIpv4 = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

export class Ipv4Index {
  private keys: Uint32Array = new Uint32Array(0);
  private ids: Float64Array = new Float64Array(0);
  private tailKeys: number[] = [];
  private tailIds: number[] = [];

  get size(): number {
    return this.keys.length + this.tailKeys.length;
  }

  get bytes(): number {
    return this.keys.length * 12 + this.tailKeys.length * 16;
  }

  /** Adds many (address, event id) pairs. */
  addAll(keys: ArrayLike<number>, ids: ArrayLike<number>): void {
    for (let i = 0; i < keys.length; i++) {
      this.tailKeys.push(keys[i]!);
      this.tailIds.push(ids[i]!);
    }
    if (this.tailKeys.length > Math.max(MAX_TAIL, this.keys.length / 2)) this.merge();
  }

  /** Sorts the tail into the main arrays. */
  merge(): void {
    if (!this.tailKeys.length) return;
    const k = new Uint32Array(this.keys.length + this.tailKeys.length);
    const v = new Float64Array(k.length);
    k.set(this.keys);
    v.set(this.ids);
    k.set(this.tailKeys, this.keys.length);
    v.set(this.tailIds, this.keys.length);
    ({ keys: this.keys, ids: this.ids } = radixSort(k, v));
    this.tailKeys = [];
    this.tailIds = [];
  }

  /** Number of events whose address is in [lo, hi]. */
  countRange(lo: number, hi: number): number {
    let n = lowerBound(this.keys, hi + 1) - lowerBound(this.keys, lo);
    for (const a of this.tailKeys) if (a >= lo && a <= hi) n++;
    return n;
  }

  /** Calls `fn` for each event whose address is in [lo, hi]; stops early when `fn` returns false. */
  forRange(lo: number, hi: number, fn: (address: number, id: number) => boolean | void): void {
    for (let i = lowerBound(this.keys, lo); i < this.keys.length && this.keys[i]! <= hi; i++) {
      if (fn(this.keys[i]!, this.ids[i]!) === false) return;
    }
    for (let i = 0; i < this.tailKeys.length; i++) {
      const a = this.tailKeys[i]!;
      if (a >= lo && a <= hi && fn(a, this.tailIds[i]!) === false) return;
    }
  }
}
