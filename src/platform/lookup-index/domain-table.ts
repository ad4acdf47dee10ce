/**
 * Hashed suffix table of domains, for matching a host against registered domains and parents.
 * A lookup hashes, in one pass from the right over the host, every suffix that starts at a label
 * boundary, then probes an open-addressing table (linear probing) once per suffix. A slot lives
 * in two parallel arrays: a 48-byte key record in typed memory (hash, length, characters) that
 * confirms a hit without following a string pointer, and 3 cells of a plain array (domain, first
 * entry, further entries). All candidate slots are read before any is examined so that their
 * cache misses overlap: a lookup costs about one memory round trip, where a trie of Maps costs
 * several per label (and hashes a freshly sliced label string at each step).
 */
import { labelCount } from './domain-name.ts';
import type { DomainHit } from './domain-trie.ts';

const SEED = 0x811c9dc5 | 0; // FNV-1a
const PRIME = 0x01000193;
const MAX_LABELS = 128; // a domain name (<= 253 characters) has at most 127 labels
const HASH_BITS = 0x3fffffff; // stored hashes are >= 0 ...
const EMPTY = -1; // ... so that this marks a free slot
// Key record: int32 hash, uint8 length (capped at 255), uint8 "compare the domain string" flag
// (longer than INLINE or not Latin-1), then the first INLINE characters.
const KEY_BYTES = 48;
const KEY_INTS = KEY_BYTES / 4;
const INLINE = KEY_BYTES - 6;
const CELLS = 3; // plain-array cells per slot: domain, first entry, further entries (E[] | null)
// Scratch of the current lookup (synchronous, so shared buffers suffice): candidate suffixes
// (hash, start) and the cell offsets of the registered ones, least specific first.
const candHash = new Int32Array(MAX_LABELS);
const candFrom = new Int32Array(MAX_LABELS);
const found = new Int32Array(MAX_LABELS);
/** Receives the values read by the touch pass so that those loads are not optimized away. */
let _touchSink = 0;

/** Final avalanche (murmur3 fmix32) of the running FNV-1a state of a suffix. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) & HASH_BITS;
}

/** Hash of a whole domain: the value suffixes() computes for the same suffix of a host. */
function domainHash(domain: string): number {
  let h = SEED;
  for (let i = domain.length - 1; i >= 0; i--) h = Math.imul(h ^ domain.charCodeAt(i), PRIME);
  return mix(h);
}

function labelsOf(domain: string): number {
  return Math.min(labelCount(domain), MAX_LABELS - 1);
}

/** Construction options of a DomainTable. */
export interface DomainTableOptions {
  /** Initial number of slots (rounded up to a power of two; the table doubles at half load). */
  readonly capacity?: number;
  /** Hash bits kept (for tests: 0 makes every domain collide). */
  readonly hashMask?: number;
}

type Cell<E> = string | E | E[] | null;

/**
 * Mutable set of normalized domains (at most 127 labels), each holding entries keyed by assetId
 * in insertion order. Same contract as DomainTrie: lookups return the entries registered on the
 * host itself and on each registered parent domain, most specific first.
 */
export class DomainTable<E extends { readonly assetId: string }> {
  private keys = new Uint8Array(0);
  private keyHash = new Int32Array(0);
  private cells: Cell<E>[] = [];
  private mask = 0;
  private readonly hashMask: number;
  /** Registered domains per label count: lookups skip suffixes of depths nobody registered. */
  private readonly depth = new Int32Array(MAX_LABELS);
  private maxDepth = 0;
  private domainCount = 0;
  private entryCount = 0;

  constructor(options: DomainTableOptions = {}) {
    let capacity = 16;
    while (capacity < (options.capacity ?? 0)) capacity *= 2;
    this.hashMask = (options.hashMask ?? -1) & HASH_BITS;
    this.allocate(capacity);
  }

  /** Number of entries stored. */
  get size(): number {
    return this.entryCount;
  }

  /** Number of distinct registered domains. */
  get domains(): number {
    return this.domainCount;
  }

  /** Registers entry on a normalized domain; an entry with the same assetId there is replaced. */
  add(domain: string, entry: E): void {
    const hash = domainHash(domain) & this.hashMask;
    const s = this.find(domain, hash);
    if (s < 0) return this.insert(domain, hash, entry);
    const list = this.entriesOf(s);
    const k = list.findIndex((e) => e.assetId === entry.assetId);
    if (k >= 0) list[k] = entry;
    else {
      list.push(entry);
      this.entryCount++;
    }
    this.setEntries(s, list);
  }

  /** Removes the entry with assetId from a domain; returns whether it existed. */
  remove(domain: string, assetId: string): boolean {
    const s = this.find(domain, domainHash(domain) & this.hashMask);
    const list = s < 0 ? [] : this.entriesOf(s);
    const k = list.findIndex((e) => e.assetId === assetId);
    if (k < 0) return false;
    if (list.length === 1) return this.erase(s, domain);
    list.splice(k, 1);
    this.setEntries(s, list);
    this.entryCount--;
    return true;
  }

  /** Appends the entries registered on the host and its parent domains to out, most specific first. */
  collect(host: string, out: E[]): void {
    out.push(...this.matches(host));
  }

  /** The entries registered on the host and its parent domains, most specific first, as a new array. */
  matches(host: string): E[] {
    const c = this.cells;
    const n = this.suffixes(host);
    let size = n;
    for (let k = 0; k < n; k++) size += (c[found[k]! + 2] as E[] | null)?.length ?? 0;
    const out = new Array<E>(size); // exact size: cheaper than growing an array push by push
    for (let k = n - 1, j = 0; k >= 0; k--) {
      out[j++] = c[found[k]! + 1] as E;
      const more = c[found[k]! + 2] as E[] | null;
      if (more !== null) for (let m = 0; m < more.length; m++) out[j++] = more[m]!;
    }
    return out;
  }

  /** The registered domains among the host and its parents, most specific first. */
  lookup(host: string): DomainHit<E>[] {
    const hits: DomainHit<E>[] = [];
    for (let k = this.suffixes(host) - 1; k >= 0; k--) {
      const domain = this.cells[found[k]!] as string;
      hits.push({ domain, labels: labelsOf(domain), entries: this.entriesOf(found[k]! / CELLS) });
    }
    return hits;
  }

  /** Entries registered on exactly this domain. */
  exact(domain: string): readonly E[] {
    const s = this.find(domain, domainHash(domain) & this.hashMask);
    return s < 0 ? [] : this.entriesOf(s);
  }

  /** Approximate bytes of the slots (domain strings and entries are shared with the records). */
  byteSize(): number {
    return this.keys.byteLength + this.cells.length * 8;
  }

  /** Fills `found` with the cell offsets of host's registered suffixes, least specific first; returns their count. */
  private suffixes(host: string): number {
    const depth = this.depth;
    const hashMask = this.hashMask;
    let n = 0;
    let labels = 0;
    let h = SEED;
    for (let i = host.length - 1; i >= -1; i--) {
      const c = i >= 0 ? host.charCodeAt(i) : 46; // a virtual '.' before the host
      if (c === 46) {
        if (++labels > this.maxDepth) break;
        if (depth[labels]! > 0) {
          candHash[n] = mix(h) & hashMask;
          candFrom[n++] = i + 1;
        }
      }
      h = Math.imul(h ^ c, PRIME);
    }
    const keyHash = this.keyHash;
    const cells = this.cells;
    const mask = this.mask;
    // Touch pass: both halves of every candidate's home slot, without branching on what is read.
    let touched = 0;
    for (let k = 0; k < n; k++) {
      const s = candHash[k]! & mask;
      touched ^= keyHash[KEY_INTS * s]! ^ (cells[CELLS * s + 1] === null ? 1 : 0);
    }
    _touchSink = touched;
    let count = 0;
    for (let k = 0; k < n; k++) {
      const hash = candHash[k]!;
      for (let s = hash & mask; keyHash[KEY_INTS * s] !== EMPTY; s = (s + 1) & mask) {
        if (keyHash[KEY_INTS * s] === hash && this.keyEquals(s, host, candFrom[k]!)) {
          found[count++] = CELLS * s;
          break;
        }
      }
    }
    return count;
  }

  /** True when the domain of slot s equals host[from..]. */
  private keyEquals(s: number, host: string, from: number): boolean {
    const keys = this.keys;
    const at = KEY_BYTES * s + 4;
    const len = host.length - from;
    if (keys[at] !== Math.min(len, 255)) return false;
    if (keys[at + 1] !== 0) {
      const domain = this.cells[CELLS * s] as string;
      return domain.length === len && host.endsWith(domain);
    }
    for (let j = 0; j < len; j++) if (keys[at + 2 + j] !== host.charCodeAt(from + j)) return false;
    return true;
  }

  /** Slot of a registered domain, or -1. */
  private find(domain: string, hash: number): number {
    for (let s = hash & this.mask; this.keyHash[KEY_INTS * s] !== EMPTY; s = (s + 1) & this.mask) {
      if (this.keyHash[KEY_INTS * s] === hash && this.cells[CELLS * s] === domain) return s;
    }
    return -1;
  }

  private entriesOf(s: number): E[] {
    const more = this.cells[CELLS * s + 2] as E[] | null;
    return [this.cells[CELLS * s + 1] as E, ...(more ?? [])];
  }

  /** Stores a non-empty entry list as first entry + further entries. */
  private setEntries(s: number, list: E[]): void {
    this.cells[CELLS * s + 1] = list[0]!;
    this.cells[CELLS * s + 2] = list.length > 1 ? list.slice(1) : null;
  }

  private insert(domain: string, hash: number, entry: E): void {
    if (2 * (this.domainCount + 1) > this.mask + 1) this.resize(2 * (this.mask + 1));
    const s = this.freeSlot(hash);
    const at = KEY_BYTES * s + 4;
    let wide = domain.length > INLINE;
    for (let j = 0; j < domain.length && !wide; j++) {
      const c = domain.charCodeAt(j);
      wide = c > 255;
      this.keys[at + 2 + j] = c;
    }
    this.keyHash[KEY_INTS * s] = hash;
    this.keys[at] = Math.min(domain.length, 255);
    this.keys[at + 1] = wide ? 1 : 0;
    this.cells[CELLS * s] = domain;
    this.cells[CELLS * s + 1] = entry;
    const labels = labelsOf(domain);
    this.depth[labels]!++;
    this.maxDepth = Math.max(this.maxDepth, labels);
    this.domainCount++;
    this.entryCount++;
  }

  private freeSlot(hash: number): number {
    let s = hash & this.mask;
    while (this.keyHash[KEY_INTS * s] !== EMPTY) s = (s + 1) & this.mask;
    return s;
  }

  /** Frees slot s (its last entry is being removed) by backward-shift deletion: no tombstones. */
  private erase(s: number, domain: string): true {
    const keyHash = this.keyHash;
    const mask = this.mask;
    let hole = s;
    for (let t = (hole + 1) & mask; keyHash[KEY_INTS * t] !== EMPTY; t = (t + 1) & mask) {
      // Move t back into the hole unless its home slot lies cyclically in (hole, t].
      const home = keyHash[KEY_INTS * t]! & mask;
      if (((t - home) & mask) >= ((t - hole) & mask)) {
        this.keys.copyWithin(KEY_BYTES * hole, KEY_BYTES * t, KEY_BYTES * (t + 1));
        for (let c = 0; c < CELLS; c++) this.cells[CELLS * hole + c] = this.cells[CELLS * t + c]!;
        hole = t;
      }
    }
    keyHash[KEY_INTS * hole] = EMPTY;
    this.cells[CELLS * hole] = this.cells[CELLS * hole + 1] = this.cells[CELLS * hole + 2] = null;
    this.depth[labelsOf(domain)]!--;
    while (this.maxDepth > 0 && this.depth[this.maxDepth] === 0) this.maxDepth--;
    this.domainCount--;
    this.entryCount--;
    return true;
  }

  private allocate(capacity: number): void {
    this.keys = new Uint8Array(capacity * KEY_BYTES);
    this.keyHash = new Int32Array(this.keys.buffer);
    this.keyHash.fill(EMPTY);
    this.cells = new Array<Cell<E>>(capacity * CELLS).fill(null);
    this.mask = capacity - 1;
  }

  private resize(capacity: number): void {
    const { keys, keyHash, cells } = this;
    this.allocate(capacity);
    for (let s = 0; s < keyHash.length / KEY_INTS; s++) {
      if (keyHash[KEY_INTS * s] === EMPTY) continue;
      const t = this.freeSlot(keyHash[KEY_INTS * s]!);
      this.keys.set(keys.subarray(KEY_BYTES * s, KEY_BYTES * (s + 1)), KEY_BYTES * t);
      for (let c = 0; c < CELLS; c++) this.cells[CELLS * t + c] = cells[CELLS * s + c]!;
    }
  }
}
