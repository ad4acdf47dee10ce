import { describe, it, expect } from 'vitest';
import { parseCidr } from './cidr.ts';
import { formatIPv4, formatIPv6 } from './ip.ts';
import { LookupIndex } from './lookup-index.ts';
import { below, mulberry32 } from './prng.ts';
import type { Asset, AssetType, Match } from './types.ts';

// Randomized add/remove/compact sequences checked against a brute-force reference (a plain list).

type Net = { family: 4 | 6; start: bigint; len: number };

function toBig(words: ArrayLike<number>): bigint {
  let v = 0n;
  for (let k = 0; k < words.length; k++) v = (v << 32n) | BigInt(words[k]!);
  return v;
}

function net(value: string): Net {
  const c = parseCidr(value);
  if (!c.ok) throw new Error(c.message);
  return { family: c.value.family, start: toBig(c.value.words), len: c.value.length };
}

function contains(outer: Net, inner: Net): boolean {
  if (outer.family !== inner.family || outer.len > inner.len) return false;
  const bits = BigInt((outer.family === 4 ? 32 : 128) - outer.len);
  return inner.start >> bits === outer.start >> bits;
}

function labelsOf(d: string): number {
  return d.split('.').length;
}

const isSuffix = (registered: string, host: string) => host === registered || host.endsWith(`.${registered}`);
const TYPE_ORDER: Record<string, number> = { email_domain: 0, domain: 1, prefix: 2, asn: 3 };
const norm = (ms: Match[]) =>
  ms.map((m) => `${m.specificity}|${TYPE_ORDER[m.matchType]}|${m.assetId}|${m.organizationId}`).sort((a, b) => {
    const [sa, ta] = a.split('|').map(Number);
    const [sb, tb] = b.split('|').map(Number);
    return sb! - sa! || ta! - tb! || (a < b ? -1 : 1);
  });

/** Expected matches for a query, computed by scanning every live asset. */
function reference(live: Map<string, Asset>, q: { kind: string; value: string }): Match[] {
  const out: Match[] = [];
  const push = (a: Asset, matchType: Match['matchType'], specificity: number) =>
    out.push({ assetId: a.assetId, organizationId: a.organizationId, type: a.type, value: a.value, matchType, specificity });
  // An IPv4-mapped address (::ffff:a.b.c.d) also matches the IPv4 prefixes containing a.b.c.d.
  const mapped = q.kind === 'ip' && q.value.startsWith('::ffff:') ? net(q.value.slice(7)) : null;
  for (const a of live.values()) {
    if (a.type === 'cidr' && (q.kind === 'ip' || q.kind === 'cidr')) {
      const n = net(a.value);
      if (contains(n, net(q.value)) || (mapped !== null && contains(n, mapped))) push(a, 'prefix', n.len);
    } else if (a.type === 'asn' && q.kind === 'asn' && a.value === q.value) push(a, 'asn', 0);
    else if (a.type === 'domain' && (q.kind === 'domain' || q.kind === 'email') && isSuffix(a.value, q.value)) push(a, 'domain', labelsOf(a.value));
    else if (a.type === 'email_domain' && q.kind === 'email' && isSuffix(a.value, q.value)) push(a, 'email_domain', labelsOf(a.value));
  }
  return out;
}

function generator(seed: number) {
  const next = mulberry32(seed);
  const v4Bases = Array.from({ length: 4 }, () => next());
  const v6Bases = Array.from({ length: 3 }, () => [0x20010db8, next(), next(), next()]);
  const words = ['a', 'b', 'mail', 'ex', 'cert'];
  const pick = <T>(xs: readonly T[]): T => xs[below(next, xs.length)]!;
  const maskBig = (v: bigint, total: number, len: number) => (len === 0 ? 0n : (v >> BigInt(total - len)) << BigInt(total - len));
  const v4 = (): string => {
    const len = below(next, 33);
    const shared = Math.max(0, len - below(next, 6));
    const keep = shared === 0 ? 0 : (0xffffffff << (32 - shared)) >>> 0;
    const a = (((pick(v4Bases) & keep) | (next() & ~keep)) >>> 0) as number;
    return `${formatIPv4(Number(maskBig(BigInt(a), 32, len)))}/${len}`;
  };
  const v6 = (): string => {
    const len = below(next, 129);
    const base = toBig(pick(v6Bases));
    const shared = Math.max(0, len - below(next, 8));
    const rnd = toBig([next(), next(), next(), next()]);
    const keepMask = maskBig((1n << 128n) - 1n, 128, shared);
    const v = maskBig((base & keepMask) | (rnd & ~keepMask & ((1n << 128n) - 1n)), 128, len);
    const w = [0, 1, 2, 3].map((k) => Number((v >> BigInt(96 - 32 * k)) & 0xffffffffn));
    return `${formatIPv6(w)}/${len}`;
  };
  const domain = (min: number): string => Array.from({ length: min + below(next, 3) }, () => pick(words)).join('.') + pick(['.com', '.org']);
  const value = (type: AssetType): string =>
    type === 'cidr' ? (next() & 1 ? v4() : v6()) : type === 'asn' ? String(64500 + below(next, 4)) : domain(1);
  return { next, pick, value, domain, v4, v6 };
}

/** An address inside (or near) a random live prefix, as text. */
function addressQuery(g: ReturnType<typeof generator>, live: Map<string, Asset>): string {
  const cidrs = [...live.values()].filter((a) => a.type === 'cidr');
  const source = cidrs.length > 0 && g.next() % 4 !== 0 ? g.pick(cidrs).value : g.next() & 1 ? g.v4() : g.v6();
  const n = net(source);
  const total = n.family === 4 ? 32 : 128;
  const host = n.len === total ? 0n : BigInt(g.next()) & ((1n << BigInt(total - n.len)) - 1n);
  const a = n.start | host;
  if (n.family === 4) return formatIPv4(Number(a));
  return formatIPv6([0, 1, 2, 3].map((k) => Number((a >> BigInt(96 - 32 * k)) & 0xffffffffn)));
}

describe('LookupIndex vs brute-force reference', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`agrees after random add/remove/compact sequences (seed ${seed})`, () => {
      const g = generator(seed);
      const types: AssetType[] = ['cidr', 'cidr', 'cidr', 'asn', 'domain', 'email_domain'];
      const live = new Map<string, Asset>();
      const initial: Asset[] = Array.from({ length: 150 }, (_, i) => {
        const type = g.pick(types);
        return { assetId: `i${i}`, organizationId: `o${i % 7}`, type, value: g.value(type) };
      });
      const index = LookupIndex.build(initial, { compactThreshold: 20 });
      for (const a of initial) live.set(a.assetId, a);
      for (let step = 0; step < 400; step++) {
        const op = g.next() % 10;
        if (op < 5) {
          const type = g.pick(types);
          const id = g.next() % 3 === 0 && live.size > 0 ? g.pick([...live.keys()]) : `n${seed}-${step}`;
          const a: Asset = { assetId: id, organizationId: `o${g.next() % 7}`, type, value: g.value(type) };
          expect(index.add(a).ok).toBe(true);
          live.set(id, a);
        } else if (op < 9 && live.size > 0) {
          const id = g.pick([...live.keys()]);
          expect(index.remove(id)).toBe(true);
          live.delete(id);
        } else if (g.next() % 4 === 0) index.compact();
        expect(index.remove('never-added')).toBe(false);
        checkQueries(index, live, g);
      }
      expect(index.size).toBe(live.size);
    });
  }
});

function checkQueries(index: LookupIndex, live: Map<string, Asset>, g: ReturnType<typeof generator>): void {
  const queries: { text: string; kind: string; value: string }[] = [];
  for (let i = 0; i < 4; i++) {
    const ip = addressQuery(g, live);
    queries.push({ text: ip, kind: 'ip', value: ip });
    if (i === 0 && !ip.includes(':')) queries.push({ text: `::ffff:${ip}`, kind: 'ip', value: `::ffff:${ip}` });
  }
  const cidr = g.next() & 1 ? g.v4() : g.v6();
  queries.push({ text: cidr, kind: 'cidr', value: cidr });
  const host = g.domain(1);
  queries.push({ text: `https://${host}/x`, kind: 'domain', value: host });
  queries.push({ text: `someone@${host}`, kind: 'email', value: host });
  const asn = String(64500 + (g.next() % 4));
  queries.push({ text: `AS${asn}`, kind: 'asn', value: asn });
  for (const q of queries) {
    const r = index.lookup(q.text);
    if (!r.ok) throw new Error(r.message);
    const got = r.value.matches;
    // Most specific first; for an IPv4-mapped query an IPv4 /n ranks as /(96 + n).
    const rank = (m: Match) => (q.text.startsWith('::ffff:') && !m.value.includes(':') ? 96 : 0) + m.specificity;
    for (let i = 1; i < got.length; i++) expect(rank(got[i - 1]!)).toBeGreaterThanOrEqual(rank(got[i]!));
    expect(norm(got), q.text).toEqual(norm(reference(live, q)));
    expect(got).toEqual([...got].sort((a, b) => rank(b) - rank(a) || TYPE_ORDER[a.matchType]! - TYPE_ORDER[b.matchType]!));
    if (q.kind === 'ip' && r.value.kind === 'ipv4') {
      const fast = index.lookupIPv4Fast(Number(net(q.value).start));
      const best = got[0];
      expect(fast === null ? null : got.find((m) => m.assetId === fast.assetId)?.specificity).toBe(best?.specificity ?? null);
    }
  }
}
