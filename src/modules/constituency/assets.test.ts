import { describe, it, expect } from 'vitest';
import { normalizeAsset } from './assets.ts';

describe('normalizeAsset: cidr', () => {
  it('keeps an IPv4 network in canonical form', () => {
    expect(normalizeAsset('cidr', '198.51.100.0/24')).toEqual({ ok: true, value: '198.51.100.0/24' });
  });

  it('trims surrounding whitespace', () => {
    expect(normalizeAsset('cidr', '  198.51.100.0/24 ')).toEqual({ ok: true, value: '198.51.100.0/24' });
  });

  it('writes IPv6 compressed and lower-case', () => {
    expect(normalizeAsset('cidr', '2001:0DB8:0000:0000:0000:0000:0000:0000/32')).toEqual({ ok: true, value: '2001:db8::/32' });
  });

  it('compresses the longest run of zero groups, the first one on a tie (RFC 5952)', () => {
    expect(normalizeAsset('cidr', '2001:DB8:0:0:1:0:0:0/80')).toEqual({ ok: true, value: '2001:db8:0:0:1::/80' });
    expect(normalizeAsset('cidr', '2001:db8:0:0:1:0:0:1')).toEqual({ ok: true, value: '2001:db8::1:0:0:1/128' });
  });

  it('does not compress a single zero group (RFC 5952)', () => {
    expect(normalizeAsset('cidr', '2001:db8:0:1:1:1:1:1')).toEqual({ ok: true, value: '2001:db8:0:1:1:1:1:1/128' });
  });

  it('makes a bare IPv4 address a /32', () => {
    expect(normalizeAsset('cidr', '192.0.2.7')).toEqual({ ok: true, value: '192.0.2.7/32' });
  });

  it('makes a bare IPv6 address a /128', () => {
    expect(normalizeAsset('cidr', '2001:DB8::A')).toEqual({ ok: true, value: '2001:db8::a/128' });
  });

  it('accepts /0 networks', () => {
    expect(normalizeAsset('cidr', '0.0.0.0/0')).toEqual({ ok: true, value: '0.0.0.0/0' });
    expect(normalizeAsset('cidr', '::/0')).toEqual({ ok: true, value: '::/0' });
  });

  it('rejects host bits with asset.cidr_host_bits and suggests the network', () => {
    const r = normalizeAsset('cidr', '198.51.100.7/24');
    expect(r).toMatchObject({ ok: false, code: 'asset.cidr_host_bits' });
    if (!r.ok) expect(r.message).toContain('198.51.100.0/24');
  });

  it('rejects IPv6 host bits with asset.cidr_host_bits', () => {
    const r = normalizeAsset('cidr', '2001:db8::1/64');
    expect(r).toMatchObject({ ok: false, code: 'asset.cidr_host_bits' });
    if (!r.ok) expect(r.message).toContain('2001:db8::/64');
  });

  it('rejects malformed prefixes with asset.invalid_cidr', () => {
    for (const bad of ['300.1.1.0/24', '198.51.100.0/33', '2001:db8::/129', '198.51.100.0/', '198.51.100.0/024', 'not-an-ip', '', '1.2.3/24', '2001:db8:::1/64']) {
      expect(normalizeAsset('cidr', bad), bad).toMatchObject({ ok: false, code: 'asset.invalid_cidr' });
    }
  });
});

describe('normalizeAsset: asn', () => {
  it('upper-cases the AS prefix', () => {
    expect(normalizeAsset('asn', 'as64500')).toEqual({ ok: true, value: 'AS64500' });
  });

  it('adds the AS prefix to a bare number', () => {
    expect(normalizeAsset('asn', '64500')).toEqual({ ok: true, value: 'AS64500' });
  });

  it('accepts the 0 and 4294967295 bounds', () => {
    expect(normalizeAsset('asn', 'AS0')).toEqual({ ok: true, value: 'AS0' });
    expect(normalizeAsset('asn', 'AS4294967295')).toEqual({ ok: true, value: 'AS4294967295' });
  });

  it('rejects an out-of-range ASN with asset.invalid_asn', () => {
    expect(normalizeAsset('asn', 'AS4294967296')).toMatchObject({ ok: false, code: 'asset.invalid_asn' });
    expect(normalizeAsset('asn', '99999999999')).toMatchObject({ ok: false, code: 'asset.invalid_asn' });
  });

  it('rejects malformed ASNs with asset.invalid_asn', () => {
    for (const bad of ['AS', 'AS-1', 'AS065', 'ASN64500', '64500x', '645 00', '']) {
      expect(normalizeAsset('asn', bad), bad).toMatchObject({ ok: false, code: 'asset.invalid_asn' });
    }
  });
});

describe('normalizeAsset: domain and email_domain', () => {
  it('lower-cases a domain', () => {
    expect(normalizeAsset('domain', 'WWW.Example.ORG')).toEqual({ ok: true, value: 'www.example.org' });
  });

  it('drops one trailing dot', () => {
    expect(normalizeAsset('domain', 'example.org.')).toEqual({ ok: true, value: 'example.org' });
  });

  it('converts an IDN domain to punycode', () => {
    expect(normalizeAsset('domain', 'bücher.example')).toEqual({ ok: true, value: 'xn--bcher-kva.example' });
    expect(normalizeAsset('domain', 'Bücher.Example.')).toEqual({ ok: true, value: 'xn--bcher-kva.example' });
  });

  it('drops a leading @ on an email_domain', () => {
    expect(normalizeAsset('email_domain', '@Mail.Example.ORG')).toEqual({ ok: true, value: 'mail.example.org' });
  });

  it('normalizes an email_domain like a domain', () => {
    expect(normalizeAsset('email_domain', 'bücher.example.')).toEqual({ ok: true, value: 'xn--bcher-kva.example' });
  });

  it('rejects invalid domains with asset.invalid_domain', () => {
    const bad = ['localhost', 'exa_mple.org', '-example.org', 'example-.org', 'example..org', 'example.org/path', 'a b.example', '192.0.2.1', '', `${'a'.repeat(64)}.example`];
    for (const value of bad) {
      expect(normalizeAsset('domain', value), value).toMatchObject({ ok: false, code: 'asset.invalid_domain' });
    }
  });

  it('rejects an invalid email_domain with asset.invalid_domain', () => {
    expect(normalizeAsset('email_domain', 'user@example.org')).toMatchObject({ ok: false, code: 'asset.invalid_domain' });
    expect(normalizeAsset('email_domain', '@')).toMatchObject({ ok: false, code: 'asset.invalid_domain' });
  });

  it('rejects a domain longer than 253 characters', () => {
    const long = `${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.example`;
    expect(long.length).toBeGreaterThan(253);
    expect(normalizeAsset('domain', long)).toMatchObject({ ok: false, code: 'asset.invalid_domain' });
  });
});
