/**
 * Parsing and normalization of network identifiers; nothing here throws, failures are
 * `{ ok: false, code, message }` results. Barrel over the focused modules.
 */
export { fail, ok } from './result.ts';
export type { Failure, Result } from './result.ts';
export { formatIPv4, formatIPv6, isIPv4Mapped, parseIPv4, parseIPv4Range, parseIPv6, parseIPv6Range } from './ip.ts';
export { CIDR_HOST_BITS, CIDR_INVALID, formatPrefix, parseCidr, parseCidrInto } from './cidr.ts';
export type { Cidr, Family } from './cidr.ts';
export { MAX_ASN, parseAsn } from './asn.ts';
export { labelCount, normalizeDomain } from './domain-name.ts';
export { classifyQuery, refang } from './query.ts';
export type { ClassifiedQuery, LookupKey, QueryKind } from './query.ts';
