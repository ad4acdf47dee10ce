/**
 * A multimap from strings to event ids in typed arrays: 64-bit string hashes in an open-addressing
 * table, each slot heading a linked list of postings (event id + whether the key is the event's own
 * value or a parent domain of it). About 20 bytes per posting and 12 per key, against hundreds for
 * a Map of strings: ten million events fit in a few hundred megabytes.
 *
 * Keys are hashed, not stored: two different strings share a key with probability about n / 2^64
 * per lookup (10^-12 for ten million keys), which can only add a spurious match.
 */

/** cyrb53-style pair of 32-bit hashes of a string. */
export function hash64(s: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

const grow = <T extends Uint32Array | Uint8Array | Float64Array>(a: T, size: number): T => {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
};

/** Postings: `parent` is 1 when the key is a parent domain of the event's name, 0 for its own value. */
export class NameIndex {
  private keyA = new Uint32Array(1024);
  private keyB = new Uint32Array(1024);
  private head = new Uint32Array(1024); // posting index + 1; 0 = empty slot
  private keys = 0;
  private next = new Uint32Array(1024);
  private ids = new Float64Array(1024);
  private parent = new Uint8Array(1024);
  private postings = 0;

  get size(): number {
    return this.postings;
  }

  /** Approximate bytes held. */
  get bytes(): number {
    return this.head.length * 12 + this.ids.length * 13;
  }

  private slotOf(a: number, b: number): number {
    const mask = this.head.length - 1;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    while (this.head[i] !== 0 && (this.keyA[i] !== a || this.keyB[i] !== b)) i = (i + 1) & mask;
    return i;
  }

  private rehash(): void {
    const { keyA, keyB, head } = this;
    this.keyA = new Uint32Array(head.length * 2);
    this.keyB = new Uint32Array(head.length * 2);
    this.head = new Uint32Array(head.length * 2);
    for (let i = 0; i < head.length; i++) {
      if (head[i] === 0) continue;
      const s = this.slotOf(keyA[i]!, keyB[i]!);
      this.keyA[s] = keyA[i]!;
      this.keyB[s] = keyB[i]!;
      this.head[s] = head[i]!;
    }
  }

  /** Adds event `id` under `key`. */
  add(key: string, id: number, parent: boolean): void {
    if ((this.keys + 1) * 2 > this.head.length) this.rehash();
    if (this.postings === this.ids.length) {
      const size = this.ids.length * 2;
      this.next = grow(this.next, size);
      this.ids = grow(this.ids, size);
      this.parent = grow(this.parent, size);
    }
    const [a, b] = hash64(key);
    const s = this.slotOf(a, b);
    if (this.head[s] === 0) {
      this.keyA[s] = a;
      this.keyB[s] = b;
      this.keys++;
    }
    const p = this.postings++;
    this.ids[p] = id;
    this.parent[p] = parent ? 1 : 0;
    this.next[p] = this.head[s]!;
    this.head[s] = p + 1;
  }

  /** Calls `fn` with each event id under `key`; stops early when `fn` returns false. */
  forEach(key: string, fn: (id: number, parent: boolean) => boolean | void): void {
    const [a, b] = hash64(key);
    for (let p = this.head[this.slotOf(a, b)]!; p !== 0; p = this.next[p - 1]!) {
      if (fn(this.ids[p - 1]!, this.parent[p - 1] === 1) === false) return;
    }
  }
}
