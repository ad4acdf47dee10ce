import { describe, it, expect } from 'vitest';
import { formatIPv4, formatIPv6, IPV6_CANONICAL, IPV6_INVALID, IPV6_VALID, parseIPv4, parseIPv4Range, parseIPv6, parseIPv6Range, parseIPv6Text } from './ip.ts';
import { mulberry32 } from './prng.ts';

describe('parseIPv4', () => {
  it('parses strict dotted quads to uint32', () => {
    expect(parseIPv4('0.0.0.0')).toBe(0);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIPv4('192.0.2.1')).toBe(0xc0000201);
    expect(parseIPv4('10.0.0.0')).toBe(0x0a000000);
  });

  it('rejects leading zeros, which are ambiguous (octal)', () => {
    for (const s of ['01.2.3.4', '1.02.3.4', '1.2.3.00', '001.2.3.4']) expect(parseIPv4(s)).toBeNull();
  });

  it('rejects octets above 255 and malformed shapes', () => {
    const bad = ['256.1.1.1', '1.2.3', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '1.2.3.4 ', ' 1.2.3.4', '+1.2.3.4', '0x1.2.3.4', 'a.b.c.d', '', '1.2.3.1000', '1234.1.1.1'];
    for (const s of bad) expect(parseIPv4(s), s).toBeNull();
  });

  it('parses a range of a longer string without copying', () => {
    expect(parseIPv4Range('x=10.1.2.3/8', 2, 10)).toBe(0x0a010203);
    expect(parseIPv4Range('10.1.2.3', 0, 7)).toBe(-1);
  });

  it('round-trips through formatIPv4', () => {
    const next = mulberry32(4);
    for (let i = 0; i < 1000; i++) {
      const a = next();
      expect(parseIPv4(formatIPv4(a))).toBe(a);
    }
  });
});

describe('parseIPv6', () => {
  const words = (s: string) => {
    const w = parseIPv6(s);
    return w === null ? null : [...w];
  };

  it('parses full and compressed forms', () => {
    expect(words('2001:0db8:0000:0000:0000:0000:0000:0001')).toEqual([0x20010db8, 0, 0, 1]);
    expect(words('2001:db8::1')).toEqual([0x20010db8, 0, 0, 1]);
    expect(words('::')).toEqual([0, 0, 0, 0]);
    expect(words('::1')).toEqual([0, 0, 0, 1]);
    expect(words('1::')).toEqual([0x00010000, 0, 0, 0]);
    expect(words('1:2:3:4:5:6:7::')).toEqual([0x00010002, 0x00030004, 0x00050006, 0x00070000]);
    expect(words('::2:3:4:5:6:7:8')).toEqual([0x00000002, 0x00030004, 0x00050006, 0x00070008]);
    expect(words('FFFF:ffff:FfFf:ffff:ffff:ffff:ffff:ffff')).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
  });

  it('parses an embedded IPv4 in the last 32 bits', () => {
    expect(words('::ffff:192.0.2.1')).toEqual([0, 0, 0xffff, 0xc0000201]);
    expect(words('64:ff9b::198.51.100.7')).toEqual([0x0064ff9b, 0, 0, 0xc6336407]);
    expect(words('1:2:3:4:5:6:1.2.3.4')).toEqual([0x00010002, 0x00030004, 0x00050006, 0x01020304]);
  });

  it('rejects zone ids, garbage and malformed compression', () => {
    const bad = [
      'fe80::1%eth0', 'fe80::1%1', ':::', '1:::2', '1::2::3', ':1::', '1::2:', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7',
      '12345::', 'g::1', '::ffff:1.2.3', '::ffff:01.2.3.4', '::1.2.3.4:5', '1:2:3:4:5:6:7:1.2.3.4', '1:2:3:4:5:6:7:8::',
      '1:2:3:4:5:6:7::8', '', ':', '[::1]', ' ::1', '1.2.3.4',
    ];
    for (const s of bad) expect(parseIPv6(s), s).toBeNull();
  });

  it('parses a range of a longer string into an offset', () => {
    const out = new Uint32Array(8);
    expect(parseIPv6Range('2001:db8::/32', 0, 10, out, 4)).toBe(true);
    expect([...out.subarray(4)]).toEqual([0x20010db8, 0, 0, 0]);
  });
});

describe('formatIPv6', () => {
  it('follows RFC 5952: lowercase, no leading zeros, longest zero run compressed', () => {
    expect(formatIPv6([0x20010db8, 0, 0, 1])).toBe('2001:db8::1');
    expect(formatIPv6([0, 0, 0, 0])).toBe('::');
    expect(formatIPv6([0, 0, 0, 1])).toBe('::1');
    expect(formatIPv6([0x20010db8, 0x00000001, 0x00010001, 0x00010001])).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIPv6([0x20010db8, 0, 0x00010000, 0x00000001])).toBe('2001:db8::1:0:0:1');
    expect(formatIPv6([0x20010000, 0, 0x00010000, 0])).toBe('2001::1:0:0:0');
    expect(formatIPv6([0x20010000, 0x00000001, 0x00010000, 0])).toBe('2001:0:0:1:1::');
    expect(formatIPv6([0xabcd0000, 0, 0, 0])).toBe('abcd::');
  });

  it('compresses the first of two equal zero runs', () => {
    expect(formatIPv6([0x20010db8, 0, 0x00010000, 0x00000001])).toBe('2001:db8::1:0:0:1');
    expect(formatIPv6([0x00010000, 0x00000001, 0x00010000, 0x00000001])).toBe('1::1:1:0:0:1');
  });

  it('writes IPv4-mapped addresses in mixed notation', () => {
    expect(formatIPv6([0, 0, 0xffff, 0xc0000201])).toBe('::ffff:192.0.2.1');
  });

  it('round-trips random addresses through parseIPv6', () => {
    const next = mulberry32(6);
    for (let i = 0; i < 2000; i++) {
      const zeros = next();
      const w = [0, 1, 2, 3].map((k) => (zeros & (1 << k) ? 0 : zeros & (1 << (k + 4)) ? next() & 0xffff : next()));
      expect([...parseIPv6(formatIPv6(w))!]).toEqual(w);
    }
  });
});

describe('parseIPv6Text', () => {
  const text = (s: string) => parseIPv6Text(s, 0, s.length, new Uint32Array(4), 0);

  it('tells canonical (RFC 5952) text from other valid spellings', () => {
    for (const s of ['2001:db8::1', '::', '::1', '1::', '2001:db8:0:1:1:1:1:1', '2001:db8::1:0:0:1', '::ffff:192.0.2.1', 'fe80::1:2']) {
      expect(text(s), s).toBe(IPV6_CANONICAL);
    }
    const other = [
      '2001:DB8::1', '2001:0db8::1', '2001:db8:0:0:0:0:0:1', '2001:db8::0:1', '2001:db8:0::1', '1:2:3:4:5:6::7',
      '2001:db8:0:0:1::1', '::ffff:c000:201', '::0:ffff:192.0.2.1', '64:ff9b::198.51.100.7', '0::1',
    ];
    for (const s of other) expect(text(s), s).toBe(IPV6_VALID);
    expect(text('1::2::3')).toBe(IPV6_INVALID);
  });

  it('answers canonical exactly when the text equals formatIPv6 of the address', () => {
    const next = mulberry32(11);
    const hex = (g: number, pad: boolean) => (pad ? g.toString(16).padStart(4, '0') : g.toString(16));
    for (let i = 0; i < 3000; i++) {
      const zeros = next();
      const w = [0, 1, 2, 3].map((k) => (zeros & (1 << k) ? 0 : zeros & (1 << (k + 4)) ? next() & 0xffff : next()));
      const groups = w.flatMap((x) => [x >>> 16, x & 0xffff]);
      const variants = [formatIPv6(w), groups.map((g) => hex(g, false)).join(':'), groups.map((g) => hex(g, next() % 8 === 0)).join(':')];
      // Compress a random run of zero groups (not necessarily the canonical one).
      const at = groups.indexOf(0);
      if (at >= 0) {
        let end = at;
        while (end < 8 && groups[end] === 0 && next() % 4 !== 0) end++;
        variants.push(`${groups.slice(0, at).map((g) => hex(g, false)).join(':')}::${groups.slice(Math.max(end, at + 1)).map((g) => hex(g, false)).join(':')}`);
      }
      variants.push(formatIPv6(w).toUpperCase());
      for (const s of variants) {
        const out = new Uint32Array(4);
        const code = parseIPv6Text(s, 0, s.length, out, 0);
        expect(code, s).not.toBe(IPV6_INVALID);
        expect([...out], s).toEqual(w);
        expect(code === IPV6_CANONICAL, s).toBe(s === formatIPv6(w));
      }
    }
  });
});
