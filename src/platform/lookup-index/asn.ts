/** Autonomous system numbers. */
import { fail, ok } from './result.ts';
import type { Result } from './result.ts';

export const MAX_ASN = 4294967295;

/** Parses the digits of an ASN in s[from, to); returns -1 unless 1-10 digits without leading zero, <= MAX_ASN. */
export function parseAsnDigits(s: string, from: number, to: number): number {
  const n = to - from;
  if (n < 1 || n > 10 || (n > 1 && s.charCodeAt(from) === 48)) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v <= MAX_ASN ? v : -1;
}

/** Length of an "AS"/"as" prefix at the start of s (0 or 2). */
export function asnPrefixLength(s: string): number {
  return s.length > 2 && (s.charCodeAt(0) | 0x20) === 97 && (s.charCodeAt(1) | 0x20) === 115 ? 2 : 0;
}

/** Parses "64500", "AS64500" or "as64500" (0..4294967295). Error: asset.invalid_asn. */
export function parseAsn(input: string): Result<number> {
  const s = input.trim();
  const v = parseAsnDigits(s, asnPrefixLength(s), s.length);
  if (v >= 0) return ok(v);
  return fail('asset.invalid_asn', `"${input}" is not a valid AS number (expected 0..${MAX_ASN}, e.g. AS64500)`);
}
