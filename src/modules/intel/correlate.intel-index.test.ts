import { describe, expect, it } from 'vitest';
import { IntelIndex, type Candidate } from './correlate.intel-index.ts';

const rows = [
  { object_id: 'a', kind: 'ipv4', value: '203.0.113.7', net: '203.0.113.7/32' },
  { object_id: 'b', kind: 'ipv4', value: '203.0.113.0/24', net: '203.0.113.0/24' },
  { object_id: 'c', kind: 'ipv4', value: '0.0.0.0/0', net: '0.0.0.0/0' },
  { object_id: 'd', kind: 'ipv6', value: '2001:db8::/32', net: '2001:db8::/32' },
  { object_id: 'e', kind: 'domain', value: 'evil.example', net: null },
  { object_id: 'f', kind: 'sha256', value: 'ab'.repeat(32), net: null },
];

function matches(index: IntelIndex, type: string, value: string): string[] {
  const out: Candidate[] = [];
  index.match({ type, value }, (c) => out.push(c));
  return out.map((c) => `${c.object_id}:${c.match}`).sort();
}

describe('IntelIndex', () => {
  const index = new IntelIndex();
  index.addRows(rows);
  index.addRows(rows); // re-reading the same rows adds nothing

  it('finds exact values, addresses inside ranges of any length, and names under a domain', () => {
    expect(index.stats().entries).toBe(rows.length);
    expect(matches(index, 'ipv4', '203.0.113.7')).toEqual(['a:exact', 'b:range', 'c:range']);
    expect(matches(index, 'ipv4', '203.0.114.7')).toEqual(['c:range']);
    expect(matches(index, 'ipv6', '2001:db8:1::9')).toEqual(['d:range']);
    expect(matches(index, 'ipv6', '2001:db9::9')).toEqual([]);
    expect(matches(index, 'domain', 'evil.example')).toEqual(['e:exact']);
    expect(matches(index, 'domain', 'a.b.evil.example')).toEqual(['e:domain']);
    expect(matches(index, 'domain', 'notevil.example')).toEqual([]);
    expect(matches(index, 'sha256', 'ab'.repeat(32))).toEqual(['f:exact']);
    expect(matches(index, 'md5', 'ab'.repeat(16))).toEqual([]);
    expect(matches(index, 'ipv4', 'not an address')).toEqual([]);
  });
});
