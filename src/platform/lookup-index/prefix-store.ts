/**
 * Mutable prefix storage for one family on top of immutable PrefixTables: base + delta.
 * Added prefixes go to a small delta table (rebuilt lazily on the next lookup); removed base
 * assets are tombstoned by assetId and filtered out of base results. Past a threshold of pending
 * changes (or on compact()) the base is rebuilt from its live entries plus the delta.
 */
import type { Cidr, Family } from './cidr.ts';
import { PrefixTableBuilder } from './prefix-build.ts';
import type { PrefixTable } from './prefix-table.ts';
import { mergeBySpecificity } from './types.ts';
import type { Match } from './types.ts';

interface DeltaItem {
  readonly words: Uint32Array;
  readonly length: number;
  readonly asset: Match;
}

export const DEFAULT_COMPACT_THRESHOLD = 4096;

export class PrefixStore {
  readonly family: Family;
  readonly compactThreshold: number;
  private base: PrefixTable<Match>;
  private delta: PrefixTable<Match>;
  private readonly deltaItems = new Map<string, DeltaItem>();
  private readonly tombstones = new Set<string>();
  private deltaDirty = false;

  constructor(family: Family, base: PrefixTable<Match> | null, compactThreshold = DEFAULT_COMPACT_THRESHOLD) {
    this.family = family;
    this.compactThreshold = compactThreshold;
    this.base = base ?? new PrefixTableBuilder<Match>(family, 0).build();
    this.delta = new PrefixTableBuilder<Match>(family, 0).build();
  }

  /** Live (prefix, asset) pairs. */
  get size(): number {
    return this.base.entryCount - this.tombstones.size + this.deltaItems.size;
  }

  /** Distinct prefixes in the base table. */
  get baseSlots(): number {
    return this.base.slotCount;
  }

  /** Changes not yet compacted into the base: delta entries and tombstones. */
  get pending(): { delta: number; tombstones: number } {
    return { delta: this.deltaItems.size, tombstones: this.tombstones.size };
  }

  /** Adds a prefix (network words, host bits clear) for an asset not currently in this store. */
  add(asset: Match, words: ArrayLike<number>, length: number): void {
    this.deltaItems.set(asset.assetId, { words: Uint32Array.from(words), length, asset });
    this.changed();
  }

  /** Removes a live asset of this store. */
  remove(assetId: string): void {
    if (!this.deltaItems.delete(assetId)) this.tombstones.add(assetId);
    this.changed();
  }

  /** Rebuilds the base from its live entries and the delta; clears delta and tombstones. */
  compact(): void {
    const builder = new PrefixTableBuilder<Match>(this.family, this.size);
    const dead = this.tombstones;
    this.base.forEachEntry((words, off, length, asset) => {
      if (!dead.has(asset.assetId)) builder.add(words, off, length, asset);
    });
    for (const d of this.deltaItems.values()) builder.add(d.words, 0, d.length, d.asset);
    this.base = builder.build();
    this.deltaItems.clear();
    this.tombstones.clear();
    this.rebuildDelta();
  }

  /** One of the most specific live assets containing IPv4 address a, or null. Allocation-free. */
  firstV4(a: number): Match | null {
    if (this.deltaDirty) this.rebuildDelta();
    const base = this.base;
    let best: Match | null = null;
    let bestLength = -1;
    for (let s = base.lookupV4(a); s >= 0 && best === null; s = base.parentOf(s)) {
      best = this.firstLive(s);
      if (best !== null) bestLength = base.lengthOf(s);
    }
    if (this.delta.slotCount === 0) return best;
    const d = this.delta.lookupV4(a);
    return d >= 0 && this.delta.lengthOf(d) > bestLength ? this.delta.entryAt(this.delta.entriesStart(d)) : best;
  }

  /** Live matches for an address (uint32 or 4 words), most specific first, as a new array. */
  matchAddress(address: number | ArrayLike<number>): Match[] {
    if (this.deltaDirty) this.rebuildDelta();
    const v4 = typeof address === 'number';
    const base = this.live(this.base.chainOf(v4 ? this.base.lookupV4(address) : this.base.lookup(address)));
    if (this.delta.slotCount === 0) return base;
    return mergeBySpecificity(base, this.delta.chainOf(v4 ? this.delta.lookupV4(address) : this.delta.lookup(address)));
  }

  /** Live matches for the prefixes that contain or equal cidr, most specific first. */
  covering(cidr: Cidr): Match[] {
    if (this.deltaDirty) this.rebuildDelta();
    const base = this.live(this.base.chainOf(this.base.coveringSlot(cidr)));
    return mergeBySpecificity(base, this.delta.chainOf(this.delta.coveringSlot(cidr)));
  }

  /** Appends up to `limit` matches for prefixes strictly inside cidr. */
  coveredBy(cidr: Cidr, limit: number, out: Match[]): void {
    if (this.deltaDirty) this.rebuildDelta();
    for (const table of [this.base, this.delta]) {
      const { from, to } = table.coveredSlotRange(cidr);
      for (let s = from; s < to && out.length < limit; s++) this.pushSlot(table, s, table === this.base, out, limit);
    }
  }

  /** Bytes of the typed arrays of base and delta. */
  byteSize(): number {
    return this.base.byteSize() + this.delta.byteSize();
  }

  private changed(): void {
    this.deltaDirty = true;
    if (this.deltaItems.size + this.tombstones.size > this.compactThreshold) this.compact();
  }

  private rebuildDelta(): void {
    const builder = new PrefixTableBuilder<Match>(this.family, this.deltaItems.size);
    for (const d of this.deltaItems.values()) builder.add(d.words, 0, d.length, d.asset);
    this.delta = builder.build();
    this.deltaDirty = false;
  }

  private firstLive(slot: number): Match | null {
    const base = this.base;
    const from = base.entriesStart(slot);
    if (this.tombstones.size === 0) return base.entryAt(from);
    for (let k = from, end = base.entriesEnd(slot); k < end; k++) {
      const e = base.entryAt(k);
      if (!this.tombstones.has(e.assetId)) return e;
    }
    return null;
  }

  /** Drops tombstoned base entries (in place: chainOf returns a fresh array). */
  private live(matches: Match[]): Match[] {
    if (this.tombstones.size === 0) return matches;
    let j = 0;
    for (const m of matches) if (!this.tombstones.has(m.assetId)) matches[j++] = m;
    matches.length = j;
    return matches;
  }

  private pushSlot(table: PrefixTable<Match>, s: number, filter: boolean, out: Match[], limit: number): void {
    const dead = filter && this.tombstones.size > 0 ? this.tombstones : null;
    for (let k = table.entriesStart(s), end = table.entriesEnd(s); k < end && out.length < limit; k++) {
      const match = table.entryAt(k);
      if (dead === null || !dead.has(match.assetId)) out.push(match);
    }
  }
}

