/**
 * Conditions compiled once into closures: each operator's constant part (a Set, a RegExp, a prefix
 * table) is built at compile time, so testing an event costs a field read and one check.
 */
import type { EventValue, HarmonizedEvent, OrgInfo } from '../pipeline.types.ts';
import { CIDR_HOST_BITS, parseCidrInto } from '../../../platform/lookup-index/index.ts';
import { PrefixLpmBuilder } from '../asn/prefix-lpm.ts';
import type { ConditionT } from './rules.schemas.ts';

/** A compiled condition: the event and its owner (null before enrichment or when none was found). */
export type EventTest = (event: HarmonizedEvent, org: OrgInfo | null) => boolean;
type Getter = (event: HarmonizedEvent, org: OrgInfo | null) => EventValue | undefined;

/** True when a condition reads the enrichment result (so its rule runs after enrichment). */
export function needsOrganization(c: ConditionT | undefined): boolean {
  if (c === undefined) return false;
  if (c.op === 'all' || c.op === 'any') return c.of.some(needsOrganization);
  if (c.op === 'not') return needsOrganization(c.of);
  return c.field.startsWith('organization.');
}

function getter(field: string): Getter {
  switch (field) {
    case 'organization.id':
      return (_e, o) => o?.id;
    case 'organization.name':
      return (_e, o) => o?.name;
    case 'organization.sector':
      return (_e, o) => o?.sector;
    case 'organization.isCii':
      return (_e, o) => o?.isCii;
    case 'organization.ciiCategory':
      return (_e, o) => o?.ciiCategory ?? undefined;
    case 'organization.found':
      return (_e, o) => o !== null;
    default:
      return (e) => e[field];
  }
}

const text = (v: EventValue): string => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

function cidrTest(get: Getter, prefixes: readonly string[]): EventTest {
  const b = new PrefixLpmBuilder<true>();
  const words = new Uint32Array(4);
  for (const p of prefixes) {
    const code = parseCidrInto(p.trim(), words);
    if (code >= 0) b.add(code >> 8 === 4 ? 4 : 6, words, code & 0xff, true);
    // Host bits set ("10.0.0.1/8"): words hold the network already; take it.
    else if (code === CIDR_HOST_BITS) b.add(p.indexOf(':') >= 0 ? 6 : 4, words, Number(p.slice(p.indexOf('/') + 1)), true);
  }
  const table = b.build();
  return (e, o) => {
    const v = get(e, o);
    return typeof v === 'string' && table.lookupText(v) === true;
  };
}

function suffixTest(get: Getter, suffixes: readonly string[]): EventTest {
  const exact = new Set(suffixes.map((s) => s.toLowerCase().replace(/^\.+|\.+$/g, '')));
  return (e, o) => {
    const v = get(e, o);
    if (typeof v !== 'string') return false;
    // Test the host, then each parent: "a.example.org", "example.org", "org".
    let h = v.toLowerCase();
    for (;;) {
      if (exact.has(h)) return true;
      const dot = h.indexOf('.');
      if (dot < 0) return false;
      h = h.slice(dot + 1);
    }
  };
}

function rangeTest(get: Getter, min: number, max: number): EventTest {
  return (e, o) => {
    const v = get(e, o);
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return n >= min && n <= max;
  };
}

/** Compiles a validated condition into a closure. */
export function compileCondition(c: ConditionT): EventTest {
  switch (c.op) {
    case 'all': {
      const parts = c.of.map(compileCondition);
      return (e, o) => parts.every((t) => t(e, o));
    }
    case 'any': {
      const parts = c.of.map(compileCondition);
      return (e, o) => parts.some((t) => t(e, o));
    }
    case 'not': {
      const inner = compileCondition(c.of);
      return (e, o) => !inner(e, o);
    }
    default:
      return compileFieldTest(c);
  }
}

function compileFieldTest(c: Exclude<ConditionT, { op: 'all' | 'any' | 'not' }>): EventTest {
  const get = getter(c.field);
  switch (c.op) {
    case 'eq': {
      const want = c.value;
      const wantText = String(want);
      return (e, o) => {
        const v = get(e, o);
        return v === want || (v !== undefined && typeof v !== typeof want && text(v) === wantText);
      };
    }
    case 'in': {
      const set = new Set(c.values.map(String));
      return (e, o) => {
        const v = get(e, o);
        return v !== undefined && set.has(text(v));
      };
    }
    case 'exists': {
      const want = c.value;
      return (e, o) => {
        const v = get(e, o);
        return (v !== undefined && v !== '') === want;
      };
    }
    case 'regex': {
      const re = new RegExp(c.pattern, c.ignoreCase ? 'i' : '');
      return (e, o) => {
        const v = get(e, o);
        return v !== undefined && re.test(text(v));
      };
    }
    case 'cidr':
      return cidrTest(get, c.prefixes);
    case 'range':
      return rangeTest(get, c.min ?? -Infinity, c.max ?? Infinity);
    case 'suffix':
      return suffixTest(get, c.suffixes);
  }
}
