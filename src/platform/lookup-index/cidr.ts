/** CIDR prefixes: parsing, canonical form and the word arithmetic shared by the prefix tables. */
import { formatIPv4, formatIPv6, parseIPv4Range, parseIPv6Range } from './ip.ts';
import { fail, ok } from './result.ts';
import type { Result } from './result.ts';

export type Family = 4 | 6;

/** A parsed CIDR prefix: the network address as 1 (IPv4) or 4 (IPv6) big-endian uint32 words. */
export interface Cidr {
  readonly family: Family;
  readonly words: Uint32Array;
  readonly length: number;
  readonly canonical: string;
}

/** parseCidrInto failure: unparseable text or prefix length out of range. */
export const CIDR_INVALID = -1;
/** parseCidrInto failure: the address has bits set beyond the prefix length. */
export const CIDR_HOST_BITS = -2;

/** Mask of the first `bits` (0..32) bits of a uint32 word. */
export function wordMask(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

/** Network mask of word k (0-based) for a prefix of `length` bits. */
export function maskOfWord(k: number, length: number): number {
  return wordMask(length - 32 * k);
}

function parseLength(s: string, from: number, to: number, max: number): number {
  const n = to - from;
  if (n < 1 || n > 3) return -1;
  if (n > 1 && s.charCodeAt(from) === 48) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v <= max ? v : -1;
}

/**
 * Parses "addr[/len]" (trimmed) into out (needs 1 word for IPv4, 4 for IPv6) without allocating.
 * Returns (family << 8) | length on success, CIDR_INVALID or CIDR_HOST_BITS otherwise;
 * on CIDR_HOST_BITS, out holds the address with host bits cleared (the suggested network).
 */
export function parseCidrInto(s: string, out: Uint32Array): number {
  const slash = s.indexOf('/');
  const end = slash < 0 ? s.length : slash;
  const v6 = s.indexOf(':') >= 0;
  const max = v6 ? 128 : 32;
  const length = slash < 0 ? max : parseLength(s, slash + 1, s.length, max);
  if (length < 0) return CIDR_INVALID;
  if (v6) {
    if (!parseIPv6Range(s, 0, end, out, 0)) return CIDR_INVALID;
  } else {
    const a = parseIPv4Range(s, 0, end);
    if (a < 0) return CIDR_INVALID;
    out[0] = a;
  }
  let hostBits = false;
  for (let k = 0, words = v6 ? 4 : 1; k < words; k++) {
    const masked = (out[k]! & maskOfWord(k, length)) >>> 0;
    if (masked !== out[k]) hostBits = true;
    out[k] = masked;
  }
  if (hostBits) return CIDR_HOST_BITS;
  return ((v6 ? 6 : 4) << 8) | length;
}

/** Canonical text of a network: dotted IPv4 or RFC 5952 IPv6, plus "/length". */
export function formatPrefix(family: Family, words: ArrayLike<number>, off: number, length: number): string {
  return `${family === 4 ? formatIPv4(words[off]!) : formatIPv6(words, off)}/${length}`;
}

/**
 * Parses a CIDR prefix ("198.51.100.0/24", "2001:db8::/32"); a bare address is a /32 or /128.
 * Errors: asset.invalid_cidr (unparseable, length out of range), asset.cidr_host_bits (host bits set).
 */
export function parseCidr(input: string): Result<Cidr> {
  const s = input.trim();
  const words = new Uint32Array(4);
  const code = parseCidrInto(s, words);
  if (code === CIDR_INVALID) {
    return fail('asset.invalid_cidr', `"${input}" is not a valid CIDR prefix (expected e.g. 198.51.100.0/24 or 2001:db8::/32)`);
  }
  const family: Family = s.indexOf(':') >= 0 ? 6 : 4;
  const used = family === 4 ? words.slice(0, 1) : words;
  if (code === CIDR_HOST_BITS) {
    const length = Number(s.slice(s.indexOf('/') + 1));
    const network = formatPrefix(family, used, 0, length);
    return fail('asset.cidr_host_bits', `"${input}" has host bits set beyond /${length}; did you mean ${network}?`);
  }
  const length = code & 0xff;
  // Strict IPv4 parsing (no leading zeros anywhere) makes "a.b.c.d/len" text canonical already.
  const canonical = family === 4 && s.indexOf('/') >= 0 ? s : formatPrefix(family, used, 0, length);
  return ok({ family, words: used, length, canonical });
}

/** Writes the last address of the prefix (network | ~mask) into out[outOff..]. */
export function prefixEnd(words: ArrayLike<number>, off: number, wordCount: number, length: number, out: Uint32Array, outOff: number): void {
  for (let k = 0; k < wordCount; k++) out[outOff + k] = (words[off + k]! | ~maskOfWord(k, length)) >>> 0;
}
