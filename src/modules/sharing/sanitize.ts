import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../../platform/lookup-index/index.ts';
import { refProperties, scoId, type StixObject } from './stix-facets.ts';

/**
 * What an agreement asks of constituent data (the sanitizer's specification):
 *
 * - identities `remove`: an `identity` is a constituent's when its name equals a registered
 *   organization's name (case-insensitive) or it carries `x_vigil_organization_id`; identities of
 *   `identity_class: individual` are personal data and count too. Such identities are dropped; a
 *   `created_by_ref` to one is removed from the referring object; any other reference to one
 *   (relationship ends, `sighting_of_ref`, entries of `*_refs` lists) drops the reference, and the
 *   referring object when a required single reference or a whole list would be lost
 *   (`where_sighted_refs` may become absent).
 * - addresses `remove`: `ipv4-addr` / `ipv6-addr` objects inside a constituent network are
 *   dropped, indicators whose pattern compares an address inside a constituent network are dropped,
 *   and references to dropped addresses follow the identity rule above.
 * - addresses `generalize`: such addresses become their /24 (IPv4) or /48 (IPv6) network (values
 *   already that wide stay as they are); the observable gets the deterministic id of its new value
 *   (the old id would let anyone recover the address by trying 256 values), references to it are
 *   rewritten, and indicator patterns compare `ISSUBSET '<network>'` instead of `= '<address>'`.
 * - `keep`: nothing changes.
 */
export type SanitizeRules = { identities: 'keep' | 'remove'; addresses: 'keep' | 'generalize' | 'remove' };

/** What the sanitizer needs to know about the constituency (answered synchronously from a prefetch). */
export type ConstituencyView = {
  isConstituentAddress(value: string): boolean;
  isConstituentIdentity(identity: StixObject): boolean;
};

export type SanitizeResult = { kind: 'keep' } | { kind: 'drop'; reason: string } | { kind: 'transform'; object: StixObject };

/** Resolves a referenced id: `undefined` unchanged, `null` removed, a string is the new id. */
export type RefFate = (id: string) => string | null | undefined;

const OPTIONAL_SINGLE_REFS = new Set(['created_by_ref']);
const OPTIONAL_LISTS = new Set(['where_sighted_refs', 'object_marking_refs', 'observed_data_refs', 'sample_refs']);
const PATTERN_ADDRESS = /((?:ipv4|ipv6)-addr:value\s*)(=|ISSUBSET)(\s*)'([^'\\]+)'/g;

/** The fate of an identity or address object itself under the rules (used for references too). */
export function ownFate(obj: StixObject, rules: SanitizeRules, view: ConstituencyView): SanitizeResult {
  if (obj.type === 'identity' && rules.identities === 'remove' && view.isConstituentIdentity(obj)) {
    return { kind: 'drop', reason: 'sanitize.constituent_identity' };
  }
  if ((obj.type === 'ipv4-addr' || obj.type === 'ipv6-addr') && rules.addresses !== 'keep' && typeof obj.value === 'string' && view.isConstituentAddress(obj.value)) {
    if (rules.addresses === 'remove') return { kind: 'drop', reason: 'sanitize.constituent_address' };
    const value = generalizeAddress(obj.value);
    if (value === null) return { kind: 'drop', reason: 'sanitize.constituent_address' };
    if (value === obj.value) return { kind: 'keep' };
    return { kind: 'transform', object: { ...obj, id: scoId(obj.type, { value }), value } };
  }
  return { kind: 'keep' };
}

/** Applies the rules to one object, given the fate of the objects it references. */
export function sanitize(obj: StixObject, rules: SanitizeRules, view: ConstituencyView, refFate: RefFate): SanitizeResult {
  if (rules.identities === 'keep' && rules.addresses === 'keep') return { kind: 'keep' };
  const own = ownFate(obj, rules, view);
  if (own.kind === 'drop') return own;
  let out: StixObject = own.kind === 'transform' ? own.object : obj;
  let changed = own.kind === 'transform';
  if (obj.type === 'indicator' && typeof obj.pattern === 'string' && rules.addresses !== 'keep') {
    const pattern = rewritePattern(obj.pattern, rules.addresses, view);
    if (pattern === null) return { kind: 'drop', reason: 'sanitize.constituent_address' };
    if (pattern !== obj.pattern) {
      out = { ...out, pattern };
      changed = true;
    }
  }
  const refs = rewriteRefs(out, refFate);
  if (refs.kind === 'drop') return refs;
  if (refs.kind === 'transform') return refs;
  return changed ? { kind: 'transform', object: out } : { kind: 'keep' };
}

function rewriteRefs(obj: StixObject, refFate: RefFate): SanitizeResult {
  let out: StixObject | null = null;
  for (const [key, ids] of refProperties(obj)) {
    const fates = ids.map((id) => [id, refFate(id)] as const);
    if (fates.every(([, f]) => f === undefined)) continue;
    out ??= { ...obj };
    if (key.endsWith('_ref')) {
      const fate = fates[0]![1];
      if (fate !== null) out[key] = fate;
      else if (OPTIONAL_SINGLE_REFS.has(key)) delete out[key];
      else return { kind: 'drop', reason: 'sanitize.reference_removed' };
      continue;
    }
    const kept = fates.flatMap(([id, f]) => (f === null ? [] : [f ?? id]));
    if (kept.length) out[key] = kept;
    else if (OPTIONAL_LISTS.has(key)) delete out[key];
    else return { kind: 'drop', reason: 'sanitize.reference_removed' };
  }
  return out ? { kind: 'transform', object: out } : { kind: 'keep' };
}

/** The pattern with constituent addresses generalized, or null when they must be removed. */
export function rewritePattern(pattern: string, mode: 'generalize' | 'remove', view: ConstituencyView): string | null {
  let dropped = false;
  const rewritten = pattern.replace(PATTERN_ADDRESS, (whole, lhs: string, _op: string, gap: string, value: string) => {
    if (!view.isConstituentAddress(value)) return whole;
    const general = mode === 'generalize' ? generalizeAddress(value) : null;
    if (general === null) {
      dropped = true;
      return whole;
    }
    return `${lhs}ISSUBSET${gap}'${general}'`;
  });
  return dropped ? null : rewritten;
}

/** Every address literal an indicator pattern compares (to prefetch constituency answers). */
export function patternAddresses(pattern: string): string[] {
  return [...pattern.matchAll(PATTERN_ADDRESS)].map((m) => m[4] as string);
}

/** An address or network widened to at least /24 (IPv4) or /48 (IPv6); null when unparsable. */
export function generalizeAddress(value: string): string | null {
  const [addr = '', lenText] = value.split('/');
  const v4 = parseIPv4(addr);
  if (v4 !== null) {
    const len = lenText === undefined ? 32 : Number(lenText);
    if (!Number.isInteger(len) || len < 0 || len > 32) return null;
    return len <= 24 ? value : `${formatIPv4((v4 & 0xffffff00) >>> 0)}/24`;
  }
  const v6 = parseIPv6(addr);
  if (v6 === null) return null;
  const len = lenText === undefined ? 128 : Number(lenText);
  if (!Number.isInteger(len) || len < 0 || len > 128) return null;
  if (len <= 48) return value;
  const w = Uint32Array.from(v6);
  w[1] = w[1]! & 0xffff0000;
  w[2] = 0;
  w[3] = 0;
  return `${formatIPv6(w)}/48`;
}
