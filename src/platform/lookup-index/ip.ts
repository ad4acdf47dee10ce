/**
 * IPv4 / IPv6 address parsing and formatting on the hot path: charCodeAt scanning,
 * no regular expressions, no allocation on success for the *Range variants.
 */

/** Parses a strict dotted quad in s[from, to) to a uint32; returns -1 when invalid (no leading zeros). */
export function parseIPv4Range(s: string, from: number, to: number): number {
  const len = to - from;
  if (len < 7 || len > 15) return -1;
  let acc = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      acc = (acc << 8) | part;
      part = 0;
      digits = 0;
      dots++;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return -1;
    if (digits !== 0 && part === 0) return -1; // leading zero: "01" is ambiguous (octal)
    part = part * 10 + d;
    if (part > 255) return -1;
    digits++;
  }
  if (dots !== 3 || digits === 0) return -1;
  return ((acc << 8) | part) >>> 0;
}

/** Parses a strict dotted-quad IPv4 address ("192.0.2.1") to a uint32, or null. */
export function parseIPv4(s: string): number | null {
  const v = parseIPv4Range(s, 0, s.length);
  return v < 0 ? null : v;
}

/** Formats a uint32 as a dotted quad. */
export function formatIPv4(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

// Value of each ASCII hex digit (uppercase ones flagged with UPPER), -1 for other characters: a
// table lookup instead of range tests, whose branches mispredict on random digit/letter mixes.
const UPPER = 16;
const NOT_CANONICAL = 32; // a leading zero
const DOTTED = 64; // an embedded IPv4
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(d)] = d;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(d)] = d < 10 ? d : d | UPPER;
}

/** parseIPv6Text: the text is not an IPv6 address. */
export const IPV6_INVALID = -1;
/** parseIPv6Text: a valid address whose text differs from formatIPv6 of it. */
export const IPV6_VALID = 0;
/** parseIPv6Text: a valid address already in canonical (RFC 5952, formatIPv6) form. */
export const IPV6_CANONICAL = 1;

// Scratch space for the 16-bit groups; parsing is synchronous so sharing it is safe.
const groups = new Int32Array(8);

/**
 * Parses an IPv6 address in s[from, to) into out[off..off+4) as four big-endian uint32 words and
 * tells whether the text is canonical. Supports "::" compression and a trailing embedded IPv4;
 * rejects zone ids and garbage. Returns IPV6_INVALID (out partially written), IPV6_VALID or IPV6_CANONICAL.
 */
export function parseIPv6Text(s: string, from: number, to: number, out: Uint32Array, off: number): number {
  const len = to - from;
  if (len < 2 || len > 45) return IPV6_INVALID;
  let i = from;
  let count = 0;
  let gap = -1;
  let style = 0; // UPPER, NOT_CANONICAL and DOTTED bits seen
  if (s.charCodeAt(i) === 58) {
    if (s.charCodeAt(i + 1) !== 58) return IPV6_INVALID;
    gap = 0;
    i += 2;
  }
  while (i < to) {
    const start = i;
    let v = 0;
    while (i < to) {
      const c = s.charCodeAt(i);
      const h = c < 128 ? HEX_VALUE[c]! : -1;
      if (h < 0) break;
      style |= h;
      v = ((v << 4) | (h & 15)) & 0xfffff;
      i++;
    }
    if (i < to && s.charCodeAt(i) === 46) {
      if (count > 6) return IPV6_INVALID;
      const v4 = parseIPv4Range(s, start, to);
      if (v4 < 0) return IPV6_INVALID;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      style |= DOTTED;
      break;
    }
    const digits = i - start;
    if (digits === 0 || digits > 4 || count === 8) return IPV6_INVALID;
    if (digits > 1 && s.charCodeAt(start) === 48) style |= NOT_CANONICAL; // leading zero
    groups[count++] = v;
    if (i === to) break;
    if (s.charCodeAt(i) !== 58 || ++i === to) return IPV6_INVALID;
    if (s.charCodeAt(i) === 58) {
      if (gap >= 0) return IPV6_INVALID;
      gap = count;
      i++;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return IPV6_INVALID;
  expandGroups(count, gap, out, off);
  if ((style & (UPPER | NOT_CANONICAL)) !== 0) return IPV6_VALID;
  // formatIPv6 writes IPv4-mapped addresses, and only those, as "::ffff:" + dotted quad.
  const mapped = isIPv4Mapped(out, off);
  if (mapped || (style & DOTTED) !== 0) return mapped && (style & DOTTED) !== 0 && gap === 0 && count === 3 ? IPV6_CANONICAL : IPV6_VALID;
  // Canonical compression: "::" stands for exactly the longest (first) run of >= 2 zero groups.
  const run = longestZeroRun(out, off);
  return (run < 0 ? gap < 0 : gap === run >> 4 && 8 - count === (run & 15)) ? IPV6_CANONICAL : IPV6_VALID;
}

/**
 * Parses an IPv6 address in s[from, to) into out[off..off+4) as four big-endian uint32 words.
 * Supports "::" compression and a trailing embedded IPv4; rejects zone ids and garbage.
 * Returns false (leaving out partially written) when invalid.
 */
export function parseIPv6Range(s: string, from: number, to: number, out: Uint32Array, off: number): boolean {
  return parseIPv6Text(s, from, to, out, off) !== IPV6_INVALID;
}

function expandGroups(count: number, gap: number, out: Uint32Array, off: number): void {
  const zeros = 8 - count;
  let hi = 0;
  for (let j = 0; j < 8; j++) {
    let v = 0;
    if (gap < 0 || j < gap) v = groups[j]!;
    else if (j >= gap + zeros) v = groups[j - zeros]!;
    if ((j & 1) === 0) hi = v;
    else out[off + (j >> 1)] = ((hi << 16) | v) >>> 0;
  }
}

/** Parses an IPv6 address ("2001:db8::1", "::ffff:192.0.2.1") to four uint32 words, or null. */
export function parseIPv6(s: string): Uint32Array | null {
  const out = new Uint32Array(4);
  return parseIPv6Range(s, 0, s.length, out, 0) ? out : null;
}

/** True when the words are an IPv4-mapped address (::ffff:0:0/96). */
export function isIPv4Mapped(w: ArrayLike<number>, off = 0): boolean {
  return w[off] === 0 && w[off + 1] === 0 && w[off + 2] === 0xffff;
}

function group(w: ArrayLike<number>, off: number, j: number): number {
  const word = w[off + (j >> 1)]!;
  return (j & 1) === 0 ? word >>> 16 : word & 0xffff;
}

// Output buffer of char codes: one String.fromCharCode call beats concatenating 15 pieces (and
// Number#toString(16), a slow runtime call). Formatting is synchronous, so sharing it is safe.
const codes: number[] = [];
const HEX_DIGITS = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];

function pushHex16(g: number): void {
  for (let shift = 12, started = false; shift >= 0; shift -= 4) {
    const d = (g >>> shift) & 15;
    if (d === 0 && !started && shift > 0) continue;
    started = true;
    codes.push(HEX_DIGITS[d]!);
  }
}

/** The longest run (>= 2 groups, first one on ties) of zero groups, as start * 16 + length; -1 if none. */
function longestZeroRun(w: ArrayLike<number>, off: number): number {
  let bestStart = -1;
  let bestLen = 1;
  for (let j = 0, run = 0; j < 8; j++) {
    run = group(w, off, j) === 0 ? run + 1 : 0;
    if (run > bestLen) {
      bestLen = run;
      bestStart = j - run + 1;
    }
  }
  return bestStart < 0 ? -1 : bestStart * 16 + bestLen;
}

/** Formats four uint32 words as RFC 5952 text: lowercase, longest zero run (>= 2 groups) as "::". */
export function formatIPv6(w: ArrayLike<number>, off = 0): string {
  if (isIPv4Mapped(w, off)) return `::ffff:${formatIPv4(w[off + 3]!)}`;
  const run = longestZeroRun(w, off);
  const bestStart = run < 0 ? -1 : run >> 4;
  const bestLen = run & 15;
  codes.length = 0;
  for (let j = 0; j < 8; j++) {
    if (j === bestStart) {
      codes.push(58, 58);
      j += bestLen - 1;
      continue;
    }
    if (codes.length > 0 && codes[codes.length - 1] !== 58) codes.push(58);
    pushHex16(group(w, off, j));
  }
  return String.fromCharCode.apply(null, codes);
}
