import { describe, it, expect } from 'vitest';
import { CIDR_HOST_BITS, CIDR_INVALID, formatPrefix, parseCidr, parseCidrInto } from './cidr.ts';

function canonical(s: string): string {
  const r = parseCidr(s);
  if (!r.ok) throw new Error(r.message);
  return r.value.canonical;
}

describe('parseCidr', () => {
  it('parses IPv4 and IPv6 prefixes into words and canonical text', () => {
    const v4 = parseCidr('198.51.100.0/24');
    expect(v4.ok && { family: v4.value.family, words: [...v4.value.words], length: v4.value.length }).toEqual({
      family: 4,
      words: [0xc6336400],
      length: 24,
    });
    const v6 = parseCidr('2001:DB8:0:0::/32');
    expect(v6.ok && [...v6.value.words]).toEqual([0x20010db8, 0, 0, 0]);
    expect(canonical('2001:DB8:0:0::/32')).toBe('2001:db8::/32');
  });

  it('accepts a bare address as /32 or /128', () => {
    expect(canonical('192.0.2.1')).toBe('192.0.2.1/32');
    expect(canonical('2001:db8::1')).toBe('2001:db8::1/128');
  });

  it('accepts /0 and the full-length prefixes', () => {
    expect(canonical('0.0.0.0/0')).toBe('0.0.0.0/0');
    expect(canonical('::/0')).toBe('::/0');
    expect(canonical('255.255.255.255/32')).toBe('255.255.255.255/32');
    expect(canonical('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128')).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128');
  });

  it('gives IPv4 prefixes the same canonical text as formatPrefix', () => {
    for (let i = 0; i < 500; i++) {
      const length = (i * 7) % 33;
      const words = Uint32Array.of(length === 0 ? 0 : ((Math.imul(i + 1, 0x9e3779b1) >>> (32 - length)) << (32 - length)) >>> 0);
      const text = formatPrefix(4, words, 0, length);
      expect(canonical(text)).toBe(text);
      expect(canonical(` ${text}\t`)).toBe(text);
    }
  });

  it('trims surrounding whitespace', () => {
    expect(canonical('  10.0.0.0/8 ')).toBe('10.0.0.0/8');
  });

  it('reports host bits with the network address as a suggestion', () => {
    const r = parseCidr('198.18.0.1/24');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('asset.cidr_host_bits');
    expect(r.message).toContain('198.18.0.0/24');
    const v6 = parseCidr('2001:db8::1/64');
    expect(!v6.ok && v6.code).toBe('asset.cidr_host_bits');
    expect(!v6.ok && v6.message).toContain('2001:db8::/64');
    expect(!parseCidr('0.0.0.1/0').ok && (parseCidr('0.0.0.1/0') as { message: string }).message).toContain('0.0.0.0/0');
  });

  it('rejects unparseable text and out-of-range lengths as asset.invalid_cidr', () => {
    const bad = ['10.0.0.0/33', '::/129', '10.0.0.0/-1', '10.0.0.0/', '10.0.0.0/024', '10.0.0.0/8/8', '10.0.0/8', 'example.com/8', '', '/8', '10.0.0.0/ 8', 'fe80::%1/64'];
    for (const s of bad) {
      const r = parseCidr(s);
      expect(r.ok ? 'ok' : r.code, s).toBe('asset.invalid_cidr');
    }
  });
});

describe('parseCidrInto', () => {
  it('encodes family and length, and clears host bits on CIDR_HOST_BITS', () => {
    const out = new Uint32Array(4);
    expect(parseCidrInto('10.1.0.0/16', out)).toBe((4 << 8) | 16);
    expect(parseCidrInto('2001:db8::/48', out)).toBe((6 << 8) | 48);
    expect(parseCidrInto('10.1.2.3/16', out)).toBe(CIDR_HOST_BITS);
    expect(out[0]).toBe(0x0a010000);
    expect(parseCidrInto('nope', out)).toBe(CIDR_INVALID);
  });
});
