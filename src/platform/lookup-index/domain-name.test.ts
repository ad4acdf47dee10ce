import { describe, it, expect } from 'vitest';
import { labelCount, normalizeDomain } from './domain-name.ts';

function norm(s: string): string | null {
  const r = normalizeDomain(s);
  return r.ok ? r.value : null;
}

describe('normalizeDomain', () => {
  it('lowercases and strips one trailing dot', () => {
    expect(norm('Mail.Example.COM.')).toBe('mail.example.com');
    expect(norm('  example.org ')).toBe('example.org');
  });

  it('converts IDN to punycode', () => {
    expect(norm('Bücher.de')).toBe('xn--bcher-kva.de');
    expect(norm('münchen。de')).toBe('xn--mnchen-3ya.de');
    expect(norm('xn--bcher-kva.de')).toBe('xn--bcher-kva.de');
  });

  it('accepts 63-character labels and 253-character names', () => {
    const label = 'a'.repeat(63);
    expect(norm(`${label}.com`)).toBe(`${label}.com`);
    const name = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
    expect(name.length).toBe(253);
    expect(norm(name)).toBe(name);
  });

  it('rejects underscores, bad hyphens, long labels and long names', () => {
    const bad = ['_dmarc.example.com', 'exa_mple.com', '-a.example.com', 'a-.example.com', `${'a'.repeat(64)}.com`, `${'a.'.repeat(127)}com`];
    for (const s of bad) expect(normalizeDomain(s).ok, s).toBe(false);
  });

  it('rejects single labels, empty labels, numeric TLDs and junk', () => {
    const bad = ['localhost', 'com.', '', '.', 'a..b.com', '.example.com', 'example.com..', '1.2.3.4', 'ex ample.com', 'a%41.com', 'example.com/x', 'user@example.com', 'a?b.com', 'a\\b.com', 'exämple.com/x', 'example.com／x'];
    for (const s of bad) {
      const r = normalizeDomain(s);
      expect(r.ok ? 'ok' : r.code, s).toBe('asset.invalid_domain');
    }
  });

  it('explains the problem in the message', () => {
    const r = normalizeDomain('exa_mple.com');
    expect(!r.ok && r.message).toMatch(/contains "_"/);
  });
});

describe('labelCount', () => {
  it('counts labels', () => {
    expect(labelCount('example.com')).toBe(2);
    expect(labelCount('a.b.example.com')).toBe(4);
  });
});
