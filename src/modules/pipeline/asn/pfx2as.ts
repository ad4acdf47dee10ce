/**
 * The pfx2as prefix-table format (CAIDA RouteViews Prefix-to-AS, extended):
 *
 *   prefix <TAB> length <TAB> origin [<TAB> cc [<TAB> as name]]
 *
 * - prefix: an IPv4 or IPv6 network address ("198.18.0.0", "2001:db8::"); host bits must be clear.
 * - length: the prefix length (0-32 or 0-128).
 * - origin: the origin AS ("64496"); multi-origin prefixes (MOAS) as "64496_64497"; AS sets as
 *   "{64496,64497}"; both may mix ("64496_{64497,64498}"). All origins are kept in file order;
 *   the first one is the prefix's AS (what `source.asn` gets).
 * - cc (Vigil extension, optional): ISO 3166-1 alpha-2 country code; empty, "-" or "--" for none.
 * - as name (Vigil extension, optional): the AS name, the rest of the line (at most 200 characters kept).
 * Blank lines and lines starting with "#" are ignored. The file is UTF-8; a line is at most 4096 bytes.
 * CAIDA's own files (three columns) import unchanged.
 */
import { CIDR_HOST_BITS, formatPrefix, parseCidrInto } from '../../../platform/lookup-index/index.ts';

export type Pfx2asRow = {
  family: 4 | 6;
  words: Uint32Array;
  length: number;
  /** Canonical text, e.g. "198.18.0.0/15". */
  prefix: string;
  origins: number[];
  cc: string | null;
  asName: string | null;
};

export type Pfx2asError = { line: number; code: string; message: string };

export const MAX_LINE_BYTES = 4096;
const MAX_ASN = 4294967295;
const MAX_NAME = 200;

function asnOf(s: string): number {
  const t = s.length > 2 && (s[0] === 'A' || s[0] === 'a') && (s[1] === 'S' || s[1] === 's') ? s.slice(2) : s;
  if (!/^\d{1,10}$/.test(t) || (t.length > 1 && t[0] === '0')) return -1;
  const n = Number(t);
  return n <= MAX_ASN ? n : -1;
}

/** Parses an origin field into its AS numbers (file order); null when invalid. */
export function parseOrigin(field: string): number[] | null {
  const out: number[] = [];
  for (const part of field.split('_')) {
    const inSet = part.startsWith('{') && part.endsWith('}');
    const members = inSet ? part.slice(1, -1).split(',') : [part];
    for (const m of members) {
      const n = asnOf(m.trim());
      if (n < 0) return null;
      if (!out.includes(n)) out.push(n);
    }
  }
  return out.length > 0 ? out : null;
}

function ccOf(field: string | undefined): string | null | undefined {
  const s = (field ?? '').trim();
  if (s === '' || s === '-' || s === '--') return null;
  return /^[A-Za-z]{2}$/.test(s) ? s.toUpperCase() : undefined;
}

/** Parses one line: a row, an error, or null for a blank or comment line. */
export function parsePfx2asLine(text: string, line: number): Pfx2asRow | Pfx2asError | null {
  const s = text.endsWith('\r') ? text.slice(0, -1) : text;
  if (s.trim() === '' || s.trimStart().startsWith('#')) return null;
  const cols = s.split('\t');
  const err = (code: string, message: string): Pfx2asError => ({ line, code, message });
  if (cols.length < 3) return err('pfx2as.columns', `expected prefix<TAB>length<TAB>origin, found ${cols.length} tab-separated column(s)`);
  const [addr, len, origin] = [cols[0]!.trim(), cols[1]!.trim(), cols[2]!.trim()];
  if (!/^\d{1,3}$/.test(len)) return err('pfx2as.invalid_length', `"${len.slice(0, 20)}" is not a prefix length`);
  const words = new Uint32Array(4);
  const code = parseCidrInto(`${addr}/${len}`, words);
  if (code === CIDR_HOST_BITS) return err('pfx2as.host_bits', `${addr}/${len} has host bits set beyond /${len}`);
  if (code < 0) return err('pfx2as.invalid_prefix', `"${addr.slice(0, 60)}/${len}" is not a valid IPv4 or IPv6 prefix`);
  const origins = parseOrigin(origin);
  if (origins === null) return err('pfx2as.invalid_origin', `"${origin.slice(0, 60)}" is not an AS number, a multi-origin list (a_b) or an AS set ({a,b})`);
  const cc = ccOf(cols[3]);
  if (cc === undefined) return err('pfx2as.invalid_cc', `"${(cols[3] ?? '').slice(0, 20)}" is not a two-letter country code`);
  const name = cols.slice(4).join(' ').trim();
  const family = code >> 8 === 4 ? 4 : 6;
  const length = code & 0xff;
  const kept = family === 4 ? words.slice(0, 1) : words;
  return { family, words: kept, length, prefix: formatPrefix(family, kept, 0, length), origins, cc, asName: name === '' ? null : name.slice(0, MAX_NAME) };
}

/** True when parsePfx2asLine returned an error. */
export function isPfx2asError(r: Pfx2asRow | Pfx2asError): r is Pfx2asError {
  return 'code' in r;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Splits a byte stream into numbered lines without holding more than one line: strict UTF-8 per
 * line, lines longer than MAX_LINE_BYTES reported (and skipped) as errors.
 */
export async function* readLines(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<{ line: number; text: string } | Pfx2asError> {
  let carry: Uint8Array = new Uint8Array(0);
  let line = 0;
  let tooLong = false;
  const emit = (bytes: Uint8Array): { line: number; text: string } | Pfx2asError => {
    line++;
    if (tooLong || bytes.length > MAX_LINE_BYTES) {
      tooLong = false;
      return { line, code: 'pfx2as.line_too_long', message: `the line is longer than ${MAX_LINE_BYTES} bytes` };
    }
    try {
      return { line, text: decoder.decode(bytes) };
    } catch {
      return { line, code: 'pfx2as.bad_encoding', message: 'the line is not valid UTF-8' };
    }
  };
  for await (const piece of source) {
    const chunk = typeof piece === 'string' ? new TextEncoder().encode(piece) : piece;
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, from)) {
      const part = chunk.subarray(from, nl);
      yield emit(carry.length === 0 ? part : concat(carry, part));
      carry = new Uint8Array(0);
      from = nl + 1;
    }
    const rest = chunk.subarray(from);
    if (tooLong) continue;
    if (carry.length + rest.length > MAX_LINE_BYTES) {
      tooLong = true;
      carry = new Uint8Array(0);
    } else if (rest.length > 0) carry = concat(carry, rest);
  }
  if (carry.length > 0 || tooLong) yield emit(carry);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
