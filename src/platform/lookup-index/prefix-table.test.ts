import { describe, it, expect } from 'vitest';
import { parseCidr } from './cidr.ts';
import type { Cidr, Family } from './cidr.ts';
import { parseIPv4, parseIPv6 } from './ip.ts';
import { PrefixTableBuilder, buildPrefixTable } from './prefix-build.ts';
import { CHAIN_CAP } from './prefix-table.ts';
import type { PrefixTable } from './prefix-table.ts';
import { below, mulberry32 } from './prng.ts';

interface Row {
  assetId: string;
  organizationId: string;
  prefix: string;
}

function table(family: Family, rows: [string, string, string][]): PrefixTable<Row> {
  const entries = rows.map(([assetId, organizationId, prefix]) => ({ assetId, organizationId, prefix }));
  const { table: t, errors } = buildPrefixTable(family, entries, (e) => e.prefix);
  expect(errors).toEqual([]);
  return t;
}

function cidr(s: string): Cidr {
  const r = parseCidr(s);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

const ids = (t: PrefixTable<Row>, ip: string) =>
  t.matchAddress(ip.includes(':') ? parseIPv6(ip)! : parseIPv4(ip)!).map((m) => `${m.assetId}@${m.prefix}`);

describe('PrefixTable (IPv4)', () => {
  const t = table(4, [
    ['a8', 'org1', '10.0.0.0/8'],
    ['a16', 'org2', '10.1.0.0/16'],
    ['a24', 'org3', '10.1.2.0/24'],
    ['b24', 'org3', '10.1.3.0/24'],
    ['h32', 'org4', '10.1.2.3/32'],
    ['z0', 'org0', '0.0.0.0/0'],
    ['top', 'org5', '255.255.255.255/32'],
  ]);

  it('returns the chain of nested prefixes, most specific first', () => {
    expect(ids(t, '10.1.2.3')).toEqual(['h32@10.1.2.3/32', 'a24@10.1.2.0/24', 'a16@10.1.0.0/16', 'a8@10.0.0.0/8', 'z0@0.0.0.0/0']);
    expect(ids(t, '10.1.2.4')).toEqual(['a24@10.1.2.0/24', 'a16@10.1.0.0/16', 'a8@10.0.0.0/8', 'z0@0.0.0.0/0']);
  });

  it('skips a sibling that sorts just before the address', () => {
    expect(ids(t, '10.1.4.1')).toEqual(['a16@10.1.0.0/16', 'a8@10.0.0.0/8', 'z0@0.0.0.0/0']);
    expect(ids(t, '10.2.0.0')).toEqual(['a8@10.0.0.0/8', 'z0@0.0.0.0/0']);
  });

  it('matches the edges of the address space', () => {
    expect(ids(t, '0.0.0.0')).toEqual(['z0@0.0.0.0/0']);
    expect(ids(t, '255.255.255.255')).toEqual(['top@255.255.255.255/32', 'z0@0.0.0.0/0']);
    expect(t.lookupV4(0xffffffff)).toBe(t.slotCount - 1);
  });

  it('finds prefixes covering and covered by a CIDR', () => {
    expect(t.covering(cidr('10.1.2.0/24')).map((m) => m.assetId)).toEqual(['a24', 'a16', 'a8', 'z0']);
    expect(t.covering(cidr('10.1.2.0/25')).map((m) => m.assetId)).toEqual(['a24', 'a16', 'a8', 'z0']);
    expect(t.coveredBy(cidr('10.1.0.0/16')).map((m) => m.assetId)).toEqual(['a24', 'h32', 'b24']);
    expect(t.coveredBy(cidr('10.0.0.0/8'), 2).map((m) => m.assetId)).toEqual(['a16', 'a24']);
    expect(t.coveredBy(cidr('11.0.0.0/8'))).toEqual([]);
    expect(t.coveredBy(cidr('0.0.0.0/0')).length).toBe(6);
    expect(t.covering(cidr('2001:db8::/32'))).toEqual([]);
  });
});

describe('PrefixTable duplicates', () => {
  it('merges the same prefix from several organizations into one slot', () => {
    const t = table(4, [
      ['x1', 'orgA', '192.0.2.0/24'],
      ['x2', 'orgB', '192.0.2.0/24'],
      ['x3', 'orgC', '192.0.2.0/25'],
    ]);
    expect(t.slotCount).toBe(2);
    expect(t.entryCount).toBe(3);
    expect(t.matchAddress(parseIPv4('192.0.2.1')!).map((m) => [m.assetId, m.organizationId, m.length])).toEqual([
      ['x3', 'orgC', 25],
      ['x1', 'orgA', 24],
      ['x2', 'orgB', 24],
    ]);
  });
});

describe('PrefixTable chains longer than CHAIN_CAP', () => {
  // 10.1.2.3 inside every prefix from /8 to /32, each registered 1 to 3 times: 49 entries deep.
  const rows: [string, string, string][] = [];
  for (let len = 32; len >= 8; len--) {
    const net = (0x0a010203 & (len === 32 ? 0xffffffff : ~(0xffffffff >>> len))) >>> 0;
    const text = `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${len}`;
    for (let k = 0; k <= len % 3; k++) rows.push([`p${len}-${k}`, 'o', text]);
  }
  const t = table(4, rows);
  const expected = (min: number) => rows.filter(([id]) => Number(id.slice(1, id.indexOf('-'))) <= min).map(([id]) => id);

  it('returns every enclosing entry, most specific first, input order within a prefix', () => {
    expect(rows.length).toBeGreaterThan(2 * CHAIN_CAP);
    expect(t.chainOf(t.lookupV4(parseIPv4('10.1.2.3')!)).map((e) => e.assetId)).toEqual(expected(32));
    expect(t.chainOf(t.lookupV4(parseIPv4('10.1.2.2')!)).map((e) => e.assetId)).toEqual(expected(31));
    expect(t.chainOf(t.lookupV4(parseIPv4('10.255.0.0')!)).map((e) => e.assetId)).toEqual(expected(8));
    expect(t.chainOf(-1)).toEqual([]);
    expect(ids(t, '10.1.2.3').length).toBe(rows.length);
    expect(t.entryCount).toBe(rows.length);
  });

  it('keeps each slot\'s own entries addressable', () => {
    const s = t.lookupV4(parseIPv4('10.1.2.0')!);
    expect(t.lengthOf(s)).toBe(30);
    const own = [];
    for (let k = t.entriesStart(s); k < t.entriesEnd(s); k++) own.push(t.entryAt(k).assetId);
    expect(own).toEqual(['p30-0']);
    const all: string[] = [];
    t.forEachEntry((_w, _o, length, e) => all.push(`${e.assetId}/${length}`));
    expect(all.length).toBe(rows.length);
  });
});

describe('PrefixTable (IPv6)', () => {
  const t = table(6, [
    ['all', 'o', '::/0'],
    ['doc', 'o', '2001:db8::/32'],
    ['site', 'o', '2001:db8:1::/48'],
    ['lan', 'o', '2001:db8:1:2::/64'],
    ['host', 'o', '2001:db8:1:2::1/128'],
    ['max', 'o', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'],
    ['mapped', 'o', '::ffff:0.0.0.0/96'],
  ]);

  it('returns nested IPv6 prefixes most specific first', () => {
    expect(ids(t, '2001:db8:1:2::1')).toEqual([
      'host@2001:db8:1:2::1/128',
      'lan@2001:db8:1:2::/64',
      'site@2001:db8:1::/48',
      'doc@2001:db8::/32',
      'all@::/0',
    ]);
    expect(ids(t, '2001:db8:1:2::2')[0]).toBe('lan@2001:db8:1:2::/64');
    expect(ids(t, '2001:db8:1:3::')[0]).toBe('site@2001:db8:1::/48');
    expect(ids(t, '2001:db9::')).toEqual(['all@::/0']);
  });

  it('handles the extremes and IPv4-mapped space', () => {
    expect(ids(t, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')[0]).toBe('max@ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128');
    expect(ids(t, '::')).toEqual(['all@::/0']);
    expect(ids(t, '::ffff:192.0.2.1')[0]).toBe('mapped@::ffff:0.0.0.0/96');
  });

  it('answers covering / coveredBy for IPv6', () => {
    expect(t.covering(cidr('2001:db8:1::/56')).map((m) => m.assetId)).toEqual(['site', 'doc', 'all']);
    expect(t.coveredBy(cidr('2001:db8::/32')).map((m) => m.assetId)).toEqual(['site', 'lan', 'host']);
  });
});

describe('PrefixTableBuilder', () => {
  it('reports host bits and wrong-family prefixes', () => {
    const b = new PrefixTableBuilder(4);
    expect(b.addCidr('10.0.0.1/8', { assetId: 'a', organizationId: 'o' })?.code).toBe('asset.cidr_host_bits');
    expect(b.addCidr('2001:db8::/32', { assetId: 'b', organizationId: 'o' })?.code).toBe('asset.invalid_cidr');
    expect(b.addCidr('nonsense', { assetId: 'c', organizationId: 'o' })?.code).toBe('asset.invalid_cidr');
    expect(b.size).toBe(0);
  });

  it('builds an empty table that matches nothing', () => {
    const t = new PrefixTableBuilder(6).build();
    expect(t.lookupV6([0, 0, 0, 0])).toBe(-1);
    expect(new PrefixTableBuilder(4).build().lookupV4(123)).toBe(-1);
  });
});

describe('PrefixTable vs brute force', () => {
  function randomRows(family: Family, seed: number, n: number): { rows: [string, string, string][]; nets: { w: number[]; len: number; id: string }[] } {
    const next = mulberry32(seed);
    const W = family === 4 ? 1 : 4;
    const rows: [string, string, string][] = [];
    const nets: { w: number[]; len: number; id: string }[] = [];
    const bases = Array.from({ length: Math.max(6, n / 50) }, () => Array.from({ length: W }, () => next()));
    for (let i = 0; i < n; i++) {
      const base = bases[below(next, bases.length)]!.slice();
      const len = family === 4 ? 8 + below(next, 25) : 16 + below(next, 113);
      const shared = Math.max(0, len - 1 - below(next, 12)); // keep this many leading bits of the base
      for (let k = 0; k < W; k++) {
        const keep = mask(shared - 32 * k);
        base[k] = (((base[k]! & keep) | (next() & ~keep)) & mask(len - 32 * k)) >>> 0;
      }
      const id = `p${i}`;
      const text = family === 4 ? `${base[0]! >>> 24}.${(base[0]! >>> 16) & 255}.${(base[0]! >>> 8) & 255}.${base[0]! & 255}/${len}` : v6Text(base, len);
      const parsed = parseCidr(text);
      if (!parsed.ok) continue;
      rows.push([id, `o${i % 5}`, parsed.value.canonical]);
      nets.push({ w: [...parsed.value.words], len, id });
    }
    return { rows, nets };
  }

  function mask(bits: number): number {
    return bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
  }

  function v6Text(w: number[], len: number): string {
    const groups = w.flatMap((x) => [(x >>> 16).toString(16), (x & 0xffff).toString(16)]);
    return `${groups.join(':')}/${len}`;
  }

  function contains(net: { w: number[]; len: number }, a: number[]): boolean {
    for (let k = 0; k < a.length; k++) {
      if (((a[k]! & mask(net.len - 32 * k)) >>> 0) !== net.w[k]) return false;
    }
    return true;
  }

  const cases = [
    [4, 400, 3000],
    [6, 400, 3000],
    [4, 6000, 600], // >= 4096 slots: exercises the 2^16-bucket first-level index
    [6, 6000, 600],
  ] as const;
  for (const [family, size, queries] of cases) {
    it(`agrees with a linear scan on ${size} random nested IPv${family} prefixes`, () => {
      const { rows, nets } = randomRows(family, 40 + family + size, size);
      const t = table(family, rows);
      if (size > 4096) expect(t.slotCount).toBeGreaterThan(4096);
      const next = mulberry32(99);
      let matched = 0;
      for (let q = 0; q < queries; q++) {
        const near = nets[below(next, nets.length)]!;
        const a = near.w.map((x, k) => (next() & 1 ? x : (x ^ (k === near.w.length - 1 ? next() & 0xfff : 0)) >>> 0));
        const expected = nets
          .filter((n) => contains(n, a))
          .sort((x, y) => y.len - x.len || Number(x.id.slice(1)) - Number(y.id.slice(1)))
          .map((n) => `${n.id}/${n.len}`);
        const got = t.matchAddress(family === 4 ? a[0]! : a).map((m) => `${m.assetId}/${m.length}`);
        expect(got).toEqual(expected);
        matched += got.length;
      }
      expect(matched).toBeGreaterThan(queries * 2);
    });
  }
});
