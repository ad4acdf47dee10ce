import { describe, expect, it } from 'vitest';
import { parseCidrInto, parseIPv6Range } from '../../../platform/lookup-index/index.ts';
import { PrefixLpmBuilder } from './prefix-lpm.ts';

function table(prefixes: string[]) {
  const b = new PrefixLpmBuilder<string>();
  const words = new Uint32Array(4);
  for (const p of prefixes) {
    const code = parseCidrInto(p, words);
    if (code < 0) throw new Error(`bad prefix ${p}`);
    b.add(code >> 8 === 4 ? 4 : 6, words, code & 0xff, p);
  }
  return b.build();
}

describe('PrefixLpm', () => {
  it('returns the longest of nested IPv4 prefixes and climbs out of a sibling that ends early', () => {
    const t = table(['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.1.3.0/24', '10.2.0.0/16', '0.0.0.0/0']);
    expect(t.lookupText('10.1.2.7')).toBe('10.1.2.0/24');
    expect(t.lookupText('10.1.4.1')).toBe('10.1.0.0/16');
    expect(t.lookupText('10.1.255.255')).toBe('10.1.0.0/16');
    expect(t.lookupText('10.3.0.1')).toBe('10.0.0.0/8');
    expect(t.lookupText('11.0.0.0')).toBe('0.0.0.0/0');
    expect(t.counts).toEqual({ v4: 6, v6: 0 });
  });

  it('answers undefined outside every prefix and for non-addresses', () => {
    const t = table(['192.0.2.0/24', '2001:db8::/32']);
    expect(t.lookupText('192.0.3.1')).toBeUndefined();
    expect(t.lookupText('192.0.1.255')).toBeUndefined();
    expect(t.lookupText('2001:db9::1')).toBeUndefined();
    expect(t.lookupText('999.1.1.1')).toBeUndefined();
    expect(t.lookupText('example.org')).toBeUndefined();
  });

  it('matches IPv6 prefixes longer than 64 bits and nested ones', () => {
    const t = table(['2001:db8::/32', '2001:db8:1::/48', '2001:db8:1:2:3::/80', '2001:db8:1:2:3:4::/96', '::/0']);
    expect(t.lookupText('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2:3:4::/96');
    expect(t.lookupText('2001:db8:1:2:3:5::1')).toBe('2001:db8:1:2:3::/80');
    expect(t.lookupText('2001:db8:1:2:4::1')).toBe('2001:db8:1::/48');
    expect(t.lookupText('2001:db8:ffff::1')).toBe('2001:db8::/32');
    expect(t.lookupText('2002::1')).toBe('::/0');
  });

  it('looks IPv4-mapped IPv6 addresses up in the IPv4 table', () => {
    const t = table(['198.18.0.0/15']);
    expect(t.lookupText('::ffff:198.18.1.2')).toBe('198.18.0.0/15');
    const w = new Uint32Array(4);
    parseIPv6Range('::ffff:198.20.0.1', 0, 17, w, 0);
    expect(t.lookupV6(w)).toBeUndefined();
  });

  it('keeps the first of identical prefixes and clears host bits', () => {
    const b = new PrefixLpmBuilder<string>();
    b.add(4, [0x0a000001], 8, 'first');
    b.add(4, [0x0a000000], 8, 'second');
    const t = b.build();
    expect(t.counts.v4).toBe(1);
    expect(t.lookupText('10.200.0.1')).toBe('first');
  });

  it('agrees with a brute-force scan on random nested prefixes', () => {
    let seed = 12345;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const prefixes: { a: number; len: number }[] = [];
    for (let i = 0; i < 2000; i++) {
      const parent = prefixes.length > 10 && rnd() % 3 ? prefixes[rnd() % prefixes.length]! : { a: 0, len: 0 };
      const len = Math.min(32, parent.len + 1 + (rnd() % 8));
      const m = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
      prefixes.push({ a: ((parent.a | (rnd() & ~(parent.len === 0 ? 0 : (0xffffffff << (32 - parent.len)) >>> 0))) & m) >>> 0, len });
    }
    const b = new PrefixLpmBuilder<number>();
    prefixes.forEach((p, i) => b.add(4, [p.a], p.len, i));
    const t = b.build();
    for (let q = 0; q < 3000; q++) {
      const base = prefixes[rnd() % prefixes.length]!;
      const addr = q % 4 === 0 ? rnd() : (base.a | (rnd() & ~((0xffffffff << (32 - base.len)) >>> 0))) >>> 0;
      let best = -1;
      let bestLen = -1;
      prefixes.forEach((p, i) => {
        const m = p.len === 0 ? 0 : (0xffffffff << (32 - p.len)) >>> 0;
        if (((addr & m) >>> 0) === p.a && p.len > bestLen) {
          best = i;
          bestLen = p.len;
        }
      });
      const got = t.lookupV4(addr);
      expect(got === undefined ? -1 : prefixes[got]!.len).toBe(bestLen);
      if (best >= 0) expect(prefixes[got!]!.a).toBe(prefixes[best]!.a);
    }
  });
});
