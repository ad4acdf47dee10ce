/**
 * The constituency as the parse threads need it, without a copy of the lookup index in each.
 *
 * A thread only asks "who owns this address, domain or AS number". For IPv4 (the bulk of every scan
 * feed) the answer is precomputed: the address space cut at every prefix boundary into intervals,
 * each with the organization LookupIndex.lookupIPv4Fast gives for it (probed once per interval, so
 * the answer is the index's own, ties included), in SharedArrayBuffers that every thread reads and
 * none copies. A directory of the first interval of each /16 bounds the binary search to a few steps.
 * IPv6 prefixes, domains and AS numbers (few, next to the IPv4 prefixes) go to a small index of their
 * own in each thread. An IPv4-mapped IPv6 address (::ffff:a.b.c.d, only from a URL host: source.ip
 * is normalized to IPv4) also matches IPv4 prefixes in the index's own order; for it a thread builds
 * the full index once, from the IPv4 prefixes the table carries as shared arrays (address, length,
 * organization; the asset ids as one string), in the index's order.
 *
 * Measured (bench:pipeline stage b, 100k prefixes, 2 parse threads): each thread's live heap drops
 * by the ~30 MB its rebuilt index took, and with it the heap the collector lets grow around it.
 */
import { setImmediate as turn } from 'node:timers/promises';
import { formatIPv4, isIPv4Mapped, LookupIndex, parseCidr, type LookupKey } from '../../../platform/lookup-index/index.ts';
import type { OwnerSource } from './enrich.ts';

type Asset = ReturnType<LookupIndex['assets']>[number];

/** What crosses to the threads (structured clone; the typed arrays' memory is shared, not copied). */
export type OwnerTableData = {
  /** The organizations the table names, by position. */
  orgIds: string[];
  /** Interval starts (ascending, the first is 0) and the owner position of each (-1: none). */
  starts: Uint32Array;
  owners: Int32Array;
  /** Index of the interval holding the first address of each /16, then the last interval's index. */
  dir: Uint32Array;
  /** Assets other than IPv4 prefixes. */
  others: Asset[];
  /** The IPv4 prefix assets, for the full index an IPv4-mapped address needs. */
  v4: V4Assets;
};

/**
 * IPv4 prefix assets in the index's order: network address, length and organization (a position
 * in `orgIds`) of each, and the asset ids concatenated (`idEnds`: where each ends). Built as JSON
 * and deflated before, they took ~40 MB of transient memory on the main thread for 100k prefixes.
 */
export type V4Assets = { addr: Uint32Array; len: Uint8Array; org: Int32Array; orgIds: string[]; ids: string; idEnds: Uint32Array };

function shared<T extends Uint32Array | Int32Array | Uint8Array>(make: (b: SharedArrayBuffer) => T, from: ArrayLike<number>, bytesPer: number): T {
  const out = make(new SharedArrayBuffer(Math.max(1, from.length) * bytesPer));
  out.set(from);
  return out;
}

// Work between two turns of the event loop while a table is built (assets read, or intervals probed).
const SLICE = 16_384;

/**
 * Builds the table of an index (main thread, once per index version; ~0.2 s of CPU for 100k
 * prefixes, in slices of `slice` assets or intervals between which the event loop turns). The
 * lookup service updates its index in place: when it changed meanwhile, the build starts over.
 */
export async function buildOwnerTable(index: LookupIndex, slice = SLICE): Promise<OwnerTableData> {
  for (;;) {
    const version = index.version;
    const size = index.size;
    const data = await buildOnce(index, slice);
    if (index.version === version && index.size === size) return data;
  }
}

async function buildOnce(index: LookupIndex, slice: number): Promise<OwnerTableData> {
  const assets = [...index.assets()];
  const v4 = { addr: [] as number[], len: [] as number[], org: [] as number[], orgIds: [] as string[], ids: [] as string[], idEnds: [] as number[] };
  const v4Org = new Map<string, number>();
  let idChars = 0;
  const others: Asset[] = [];
  const bounds: number[] = [0];
  for (let i = 0; i < assets.length; i++) {
    if (i % slice === slice - 1) await turn();
    const a = assets[i]!;
    const c = a.type === 'cidr' ? parseCidr(a.value) : null;
    if (c === null || !c.ok || c.value.family !== 4) {
      others.push(a);
      continue;
    }
    const start = c.value.words[0]!;
    let o = v4Org.get(a.organizationId);
    if (o === undefined) v4Org.set(a.organizationId, (o = v4.orgIds.push(a.organizationId) - 1));
    v4.addr.push(start);
    v4.len.push(c.value.length);
    v4.org.push(o);
    v4.ids.push(a.assetId);
    v4.idEnds.push((idChars += a.assetId.length));
    const end = start + 2 ** (32 - c.value.length);
    bounds.push(start);
    if (end <= 0xffffffff) bounds.push(end);
  }
  const sorted = Uint32Array.from(bounds).sort();
  const orgIds: string[] = [];
  const position = new Map<string, number>();
  const starts: number[] = [];
  const owners: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i % slice === slice - 1) await turn();
    const b = sorted[i]!;
    if (i > 0 && b === sorted[i - 1]) continue;
    const m = index.lookupIPv4Fast(b);
    let owner = -1;
    if (m !== null) {
      owner = position.get(m.organizationId) ?? -1;
      if (owner < 0) {
        owner = orgIds.push(m.organizationId) - 1;
        position.set(m.organizationId, owner);
      }
    }
    if (owners.length > 0 && owners[owners.length - 1] === owner) continue;
    starts.push(b);
    owners.push(owner);
  }
  const dir = new Array<number>(65537);
  for (let k = 0, j = 0; k < 65536; k++) {
    const first = k * 65536;
    while (j + 1 < starts.length && starts[j + 1]! <= first) j++;
    dir[k] = j;
  }
  dir[65536] = starts.length - 1;
  return {
    orgIds,
    starts: shared((b) => new Uint32Array(b), starts, 4),
    owners: shared((b) => new Int32Array(b), owners, 4),
    dir: shared((b) => new Uint32Array(b), dir, 4),
    others,
    v4: {
      addr: shared((b) => new Uint32Array(b), v4.addr, 4),
      len: shared((b) => new Uint8Array(b), v4.len, 1),
      org: shared((b) => new Int32Array(b), v4.org, 4),
      orgIds: v4.orgIds,
      ids: v4.ids.join(''),
      idEnds: shared((b) => new Uint32Array(b), v4.idEnds, 4),
    },
  };
}

/** The owner lookups of a table (in a parse thread), as the enricher reads them. */
export class OwnerView implements OwnerSource {
  private readonly records: { organizationId: string }[];
  private readonly rest: LookupIndex;
  private full: LookupIndex | null = null;
  private readonly t: OwnerTableData;

  constructor(t: OwnerTableData) {
    this.t = t;
    this.records = t.orgIds.map((organizationId) => ({ organizationId }));
    this.rest = LookupIndex.build(t.others);
  }

  lookupIPv4Fast(a: number): { organizationId: string } | null {
    const { starts, dir } = this.t;
    const k = a >>> 16;
    let lo = dir[k]!;
    let hi = dir[k + 1]!;
    // The last interval starting at or before a, between the intervals of this /16's first and the next one's.
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= a) lo = mid;
      else hi = mid - 1;
    }
    const owner = this.t.owners[lo]!;
    return owner < 0 ? null : this.records[owner]!;
  }

  lookupKey(key: LookupKey): readonly { organizationId: string }[] {
    if (key.type === 'ipv6' && isIPv4Mapped(key.value)) return this.fullIndex().lookupKey(key);
    return this.rest.lookupKey(key);
  }

  private fullIndex(): LookupIndex {
    this.full ??= LookupIndex.build([...v4AssetsOf(this.t.v4), ...this.t.others]);
    return this.full;
  }
}

/** The IPv4 prefix assets back, in their order. */
export function v4AssetsOf(v: V4Assets): Asset[] {
  const out: Asset[] = [];
  for (let i = 0, from = 0; i < v.addr.length; i++) {
    const to = v.idEnds[i]!;
    out.push({ assetId: v.ids.slice(from, to), organizationId: v.orgIds[v.org[i]!]!, type: 'cidr', value: `${formatIPv4(v.addr[i]!)}/${v.len[i]}` });
    from = to;
  }
  return out;
}

const tables = new WeakMap<LookupIndex, { version: number; size: number; data: Promise<OwnerTableData> }>();

/** The table of an index, built once per index and version (the lookup service updates its index in place). */
export function ownerTableOf(index: LookupIndex): Promise<OwnerTableData> {
  const hit = tables.get(index);
  if (hit && hit.version === index.version && hit.size === index.size) return hit.data;
  const data = buildOwnerTable(index);
  const entry = { version: index.version, size: index.size, data };
  tables.set(index, entry);
  // A failed build is not kept: the next chunk tries again.
  data.catch(() => {
    if (tables.get(index) === entry) tables.delete(index);
  });
  return data;
}
