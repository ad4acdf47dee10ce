/** Classification of free-text lookup queries (IP, CIDR, ASN, domain, URL, e-mail; defanged forms). */
import { asnPrefixLength, parseAsnDigits } from './asn.ts';
import { parseCidr } from './cidr.ts';
import type { Cidr } from './cidr.ts';
import { normalizeDomain } from './domain-name.ts';
import { formatIPv4, formatIPv6, IPV6_CANONICAL, IPV6_INVALID, parseIPv4Range, parseIPv6Text } from './ip.ts';
import { fail, ok } from './result.ts';
import type { Failure, Result } from './result.ts';

export type QueryKind = 'ipv4' | 'ipv6' | 'cidr' | 'asn' | 'domain' | 'url' | 'email';

/** What to look up: an address, a prefix, an ASN, or a (e-mail) domain. */
export type LookupKey =
  | { readonly type: 'ipv4'; readonly value: number }
  | { readonly type: 'ipv6'; readonly value: Uint32Array }
  | { readonly type: 'cidr'; readonly value: Cidr }
  | { readonly type: 'asn'; readonly value: number }
  | { readonly type: 'domain'; readonly value: string }
  | { readonly type: 'email_domain'; readonly value: string };

/** A classified query; `normalized` is the canonical text of the key (URL host, e-mail domain...). */
export interface ClassifiedQuery {
  readonly kind: QueryKind;
  readonly normalized: string;
  readonly key: LookupKey;
}

type HostKey = { normalized: string; key: LookupKey };

const MAX_QUERY = 2048;
const DEFANG = /\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\[@\]|\[at\]|\(at\)|\[:\/\/\]|\[:\]/gi;
const DEFANG_SCHEME = /^(?:hxxp|hxxps|fxp|fxps)(?=:)/i;
const UNDEFANG: Record<string, string> = { '[://]': '://', '[:]': ':', '[@]': '@', '[at]': '@', '(at)': '@' };

function invalid(input: string, why: string): Failure {
  return fail('lookup.invalid_query', `"${input}" is not a valid lookup query: ${why}`);
}

/** Undoes common defanging: hxxp://, [.], (.), [dot], [@], [at], [://], [:]. */
export function refang(s: string): string {
  const body = s.replace(DEFANG, (m) => UNDEFANG[m.toLowerCase()] ?? '.');
  return body.replace(DEFANG_SCHEME, (m) => m.toLowerCase().replace('xx', 'tt').replace(/^fxp/, 'ftp'));
}

function isDigits(s: string, from: number, to = s.length): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Classifies a host (IP literal or domain) taken from s[from, to). */
function classifyHost(s: string, from: number, to: number): HostKey | string {
  const v4 = parseIPv4Range(s, from, to);
  if (v4 >= 0) return { normalized: formatIPv4(v4), key: { type: 'ipv4', value: v4 } };
  const host = s.slice(from, to);
  const domain = normalizeDomain(host);
  if (domain.ok) return { normalized: domain.value, key: { type: 'domain', value: domain.value } };
  if (/^[\d.]+$/.test(host)) return `"${host}" is not a valid IPv4 address (four decimal octets 0-255, no leading zeros)`;
  return `"${host}" is neither an IP address nor a valid domain name: ${domain.message.slice(domain.message.indexOf(': ') + 2)}`;
}

// Parse target of classifyIPv6, copied out on success only (most queries are not IPv6 addresses).
const scratch6 = new Uint32Array(4);

function classifyIPv6(s: string, from: number, to: number): HostKey | null {
  const text = parseIPv6Text(s, from, to, scratch6, 0);
  if (text === IPV6_INVALID) return null;
  const words = new Uint32Array(scratch6);
  // Addresses copied from logs are usually canonical already: then their text is the normal form.
  const normalized = text !== IPV6_CANONICAL ? formatIPv6(words) : from === 0 && to === s.length ? s : s.slice(from, to);
  return { normalized, key: { type: 'ipv6', value: words } };
}

/** Extracts the host of a URL authority starting at `from` (userinfo and port stripped). */
function classifyAuthority(input: string, s: string, from: number): Result<ClassifiedQuery> {
  let end = s.length;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35 || c === 92) {
      end = i;
      break;
    }
  }
  const hostStart = Math.max(from, s.lastIndexOf('@', end - 1) + 1);
  let hostEnd: number;
  let host: HostKey | string | null;
  if (s.charCodeAt(hostStart) === 91) {
    hostEnd = s.indexOf(']', hostStart);
    if (hostEnd < 0 || hostEnd > end) return invalid(input, 'unterminated IPv6 literal in URL');
    host = classifyIPv6(s, hostStart + 1, hostEnd++) ?? 'the bracketed IPv6 address is invalid';
  } else {
    const colon = s.indexOf(':', hostStart);
    hostEnd = colon >= 0 && colon < end ? colon : end;
    host = classifyHost(s, hostStart, hostEnd);
  }
  if (typeof host === 'string') return invalid(input, host);
  if (hostEnd < end && (s.charCodeAt(hostEnd) !== 58 || (hostEnd + 1 < end && !isDigits(s, hostEnd + 1, end)))) {
    return invalid(input, 'the URL port is not a number');
  }
  return ok({ kind: 'url', normalized: host.normalized, key: host.key });
}

/** True when s[0, end) is a URL scheme: a letter, then letters, digits, '+', '-' or '.'. */
function isScheme(s: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const lower = c | 0x20;
    if (lower >= 97 && lower <= 122) continue;
    if (i === 0 || !((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return false;
  }
  return end > 0;
}

function classifyUrl(input: string, s: string, sep: number): Result<ClassifiedQuery> {
  if (!isScheme(s, sep)) return invalid(input, `"${s.slice(0, sep)}" is not a URL scheme`);
  return classifyAuthority(input, s, sep + 3);
}

function classifyEmail(input: string, s: string, at: number): Result<ClassifiedQuery> {
  if (at <= 0) return invalid(input, 'the e-mail address has an empty local part');
  const domain = normalizeDomain(s.slice(at + 1));
  if (!domain.ok) return invalid(input, `the e-mail domain ${domain.message}`);
  return ok({ kind: 'email', normalized: domain.value, key: { type: 'email_domain', value: domain.value } });
}

function classifyAsn(input: string, s: string, from: number): Result<ClassifiedQuery> {
  const asn = parseAsnDigits(s, from, s.length);
  if (asn < 0) return invalid(input, 'AS numbers range from 0 to 4294967295 without leading zeros');
  // The digits are strict (no leading zeros), so "AS" + digits is the canonical text already.
  const normalized = from === 2 && s.charCodeAt(0) === 65 && s.charCodeAt(1) === 83 ? s : `AS${asn}`;
  return ok({ kind: 'asn', normalized, key: { type: 'asn', value: asn } });
}

function classifyCidr(input: string, s: string): Result<ClassifiedQuery> {
  const cidr = parseCidr(s);
  if (!cidr.ok) return invalid(input, cidr.message);
  return ok({ kind: 'cidr', normalized: cidr.value.canonical, key: { type: 'cidr', value: cidr.value } });
}

function ipv6Problem(s: string): string {
  if (s.indexOf('%') >= 0) return 'IPv6 zone identifiers (%...) are not supported; drop the zone';
  return `"${s}" is not a valid IPv6 address`;
}

// Landmarks of the current query, found in one charCodeAt pass (classification is synchronous).
const SLASH = 0; // first '/'
const AT = 1; // last '@'
const SCHEME = 2; // the ':' of the first "://" before any '/'
const COLONS = 3; // number of ':'
const QUERY = 4; // first '?' or '#'
const BRACKET = 5; // first '[', '(' or '{' (possible defanging)
const marks = new Int32Array(6);

function scan(s: string): void {
  marks.fill(-1);
  marks[COLONS] = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 47) {
      if (marks[SLASH]! < 0) marks[SLASH] = i;
    } else if (c === 58) {
      marks[COLONS]!++;
      if (marks[SCHEME]! < 0 && marks[SLASH]! < 0 && s.charCodeAt(i + 1) === 47 && s.charCodeAt(i + 2) === 47) marks[SCHEME] = i;
    } else if (c === 64) marks[AT] = i;
    else if ((c === 63 || c === 35) && marks[QUERY]! < 0) marks[QUERY] = i;
    else if ((c === 91 || c === 40 || c === 123) && marks[BRACKET]! < 0) marks[BRACKET] = i;
  }
}

function classifyMailto(input: string, s: string): Result<ClassifiedQuery> {
  const address = s.slice(7).split('?')[0] ?? '';
  return classifyEmail(input, address, address.lastIndexOf('@'));
}

/** Classifies a refanged, trimmed query whose landmarks are in `marks`. */
function classifyClean(input: string, s: string): Result<ClassifiedQuery> {
  const asnFrom = asnPrefixLength(s);
  if (isDigits(s, asnFrom)) return classifyAsn(input, s, asnFrom);
  if (marks[SCHEME]! > 0) return classifyUrl(input, s, marks[SCHEME]!);
  if (s.length > 7 && s.charCodeAt(6) === 58 && s.slice(0, 7).toLowerCase() === 'mailto:') return classifyMailto(input, s);
  if (marks[AT]! >= 0) return classifyEmail(input, s, marks[AT]!);
  const slash = marks[SLASH]!;
  const colons = marks[COLONS]!;
  if (slash > 0 && isDigits(s, slash + 1)) return classifyCidr(input, s);
  if (colons > 0) {
    const bracketed = s.charCodeAt(0) === 91 && s.charCodeAt(s.length - 1) === 93;
    const v6 = classifyIPv6(s, bracketed ? 1 : 0, bracketed ? s.length - 1 : s.length);
    if (v6 !== null) return ok({ kind: 'ipv6', normalized: v6.normalized, key: v6.key });
    if (colons > 1 && slash < 0) return invalid(input, ipv6Problem(s));
  }
  if (slash >= 0 || colons > 0 || marks[QUERY]! >= 0) return classifyAuthority(input, s, 0);
  const host = classifyHost(s, 0, s.length);
  if (typeof host === 'string') return invalid(input, host);
  return ok({ kind: host.key.type === 'ipv4' ? 'ipv4' : 'domain', normalized: host.normalized, key: host.key });
}

/**
 * Classifies a free-text lookup query and extracts the normalized key to look up.
 * URLs (any scheme://, hxxp:// and [.]-defanged forms) yield their host, e-mail addresses their domain.
 * Error: lookup.invalid_query.
 */
export function classifyQuery(input: string): Result<ClassifiedQuery> {
  let s = input.trim();
  if (s.length === 0) return invalid(input, 'the query is empty');
  if (s.length > MAX_QUERY) return invalid(input.slice(0, 64), `the query is longer than ${MAX_QUERY} characters`);
  const v4 = parseIPv4Range(s, 0, s.length);
  if (v4 >= 0) return ok({ kind: 'ipv4', normalized: s, key: { type: 'ipv4', value: v4 } });
  // A bare IPv6 address (hex digits, ':' and '.' only) gets the same answer from the full path below.
  const v6 = classifyIPv6(s, 0, s.length);
  if (v6 !== null) return ok({ kind: 'ipv6', normalized: v6.normalized, key: v6.key });
  scan(s);
  if (marks[BRACKET]! >= 0 || ((s.charCodeAt(1) | 0x20) === 120 && (s.charCodeAt(2) | 0x20) === 120)) {
    const refanged = refang(s);
    if (refanged !== s) {
      s = refanged;
      const again = parseIPv4Range(s, 0, s.length);
      if (again >= 0) return ok({ kind: 'ipv4', normalized: s, key: { type: 'ipv4', value: again } });
      scan(s);
    }
  }
  return classifyClean(input, s);
}
