import { describe, it, expect } from 'vitest';
import { parseAsn } from './asn.ts';

describe('parseAsn', () => {
  it('accepts plain numbers and AS/as prefixes', () => {
    for (const [s, v] of [['64500', 64500], ['AS64500', 64500], ['as64500', 64500], ['As1', 1], ['0', 0], [' AS4294967295 ', 4294967295]] as const) {
      expect(parseAsn(s)).toEqual({ ok: true, value: v });
    }
  });

  it('rejects out-of-range, leading zeros and garbage as asset.invalid_asn', () => {
    for (const s of ['4294967296', 'AS', 'AS-1', 'AS 64500', '064500', '64500a', '', 'ASN64500', '1.5']) {
      const r = parseAsn(s);
      expect(r.ok ? 'ok' : r.code, s).toBe('asset.invalid_asn');
    }
  });
});
