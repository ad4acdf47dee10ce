/**
 * A multimap from strings to event ids in typed arrays: 64-bit string hashes in an open-addressing
 * table, each slot heading a linked list of postings (event id + whether the key is the event's own
 * value or a parent domain of it, and then of which name). About 24 bytes per posting and 16 per
 * key, against hundreds for a Map of strings: ten million events fit in a few hundred megabytes.
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

const grow = <T extends Uint32Array | Float64Array>(a: T, size: number): T => {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
};

/**
 * The event names that parent-domain postings point to (the `matched` of a parent-domain sample),
 * each stored once as a 4-byte length and its UTF-8 bytes: about 25 bytes per named event, where
 * reading them back from the events table took a scan of it for every correlation.
 */
export class NameArena {
  private buf = Buffer.allocUnsafe(1 << 16);
  private used = 0;

  get bytes(): number {
    return this.buf.length;
  }

  /** Stores `name`; returns its reference (never 0). */
  add(name: string): number {
    const need = 4 + name.length * 3;
    if (this.used + need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + need));
      this.buf.copy(next, 0, 0, this.used);
      this.buf = next;
    }
    const at = this.used + 4;
    let n = name.length;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c >= 128) {
        n = this.buf.write(name, at, 'utf8');
        break;
      }
      this.buf[at + i] = c;
    }
    this.buf.writeUInt32LE(n, this.used);
    const ref = this.used + 1;
    this.used = at + n;
    return ref;
  }

  /** The name stored under `ref`. */
  get(ref: number): string {
    const at = ref - 1;
    return this.buf.toString('utf8', at + 4, at + 4 + this.buf.readUInt32LE(at));
  }
}

/**
 * Postings: an event id and `name`, 0 when the key is the event's own value, else the NameArena
 * reference of the event's name (the key is a parent domain of it). Each key also keeps its number
 * of postings, so that a total needs no walk of a long list.
 */
export class NameIndex {
  private keyA = new Uint32Array(1024);
  private keyB = new Uint32Array(1024);
  private head = new Uint32Array(1024); // posting index + 1; 0 = empty slot
  private count = new Uint32Array(1024);
  private keys = 0;
  private next = new Uint32Array(1024);
  private ids = new Float64Array(1024);
  private name = new Uint32Array(1024);
  private postings = 0;

  get size(): number {
    return this.postings;
  }

  /** Approximate bytes held. */
  get bytes(): number {
    return this.head.length * 16 + this.ids.length * 16;
  }

  private slotOf(a: number, b: number): number {
    const mask = this.head.length - 1;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    while (this.head[i] !== 0 && (this.keyA[i] !== a || this.keyB[i] !== b)) i = (i + 1) & mask;
    return i;
  }

  private rehash(): void {
    const { keyA, keyB, head, count } = this;
    this.keyA = new Uint32Array(head.length * 2);
    this.keyB = new Uint32Array(head.length * 2);
    this.head = new Uint32Array(head.length * 2);
    this.count = new Uint32Array(head.length * 2);
    for (let i = 0; i < head.length; i++) {
      if (head[i] === 0) continue;
      const s = this.slotOf(keyA[i]!, keyB[i]!);
      this.keyA[s] = keyA[i]!;
      this.keyB[s] = keyB[i]!;
      this.head[s] = head[i]!;
      this.count[s] = count[i]!;
    }
  }

  /** Adds event `id` under `key`; `name`: 0 for the event's own value, else the arena reference of its name. */
  add(key: string, id: number, name: number): void {
    if ((this.keys + 1) * 2 > this.head.length) this.rehash();
    if (this.postings === this.ids.length) {
      const size = this.ids.length * 2;
      this.next = grow(this.next, size);
      this.ids = grow(this.ids, size);
      this.name = grow(this.name, size);
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
    this.name[p] = name;
    this.next[p] = this.head[s]!;
    this.head[s] = p + 1;
    this.count[s]!++;
  }

  /** Number of postings under `key`. */
  countOf(key: string): number {
    const [a, b] = hash64(key);
    const s = this.slotOf(a, b);
    return this.head[s] === 0 ? 0 : this.count[s]!;
  }

  /** Calls `fn` with each event id under `key` and its name reference (0: own value); stops early when `fn` returns false. */
  forEach(key: string, fn: (id: number, name: number) => boolean | void): void {
    const [a, b] = hash64(key);
    for (let p = this.head[this.slotOf(a, b)]!; p !== 0; p = this.next[p - 1]!) {
      if (fn(this.ids[p - 1]!, this.name[p - 1]!) === false) return;
    }
  }
}
