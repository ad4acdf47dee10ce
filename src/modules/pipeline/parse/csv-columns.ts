/**
 * The CSV parser's per-column fast paths. Each mapped column is compiled once per header into a
 * `kind` that says how its text becomes a value:
 *   - TEXT: free text (`string` fields, `extra.*`): the text itself when it needs no trimming;
 *   - PORT: 1-5 ASCII digits read by charCode, no RegExp, no Number();
 *   - CACHED: low-cardinality values whose check costs (country, ASN, domain, lower-cased
 *     protocol, RSIT type...): the validated result of recent texts is kept in a Map;
 *   - PLAIN: the validator, every time (addresses, times: unique per line or checked per chunk).
 * Anything off the fast path goes through the field's validator, so results and errors are exactly
 * the validator's.
 */
import type { EventValue } from '../pipeline.types.ts';
import { FIELD_TYPES, isExtraField } from './fields.ts';
import { Invalid } from './invalid.ts';
import type { Validator } from './validate.ts';

export const TEXT = 0;
export const PORT = 1;
export const CACHED = 2;
export const PLAIN = 3;

/** Distinct texts a CACHED column remembers (countries, ASNs, tags repeat; hostnames mostly do not). */
const CACHE_LIMIT = 4096;

export type Column = {
  index: number;
  field: string;
  kind: number;
  /** `extra.*` keeps its text as given; `string` fields are trimmed. */
  trims: boolean;
  validate: Validator;
  map: Map<string, string> | null;
  fallback: string | undefined;
  lenient: boolean;
  cache: Map<string, EventValue> | null;
};

/** The kind of a field (see the file comment). */
export function kindOf(field: string): number {
  if (isExtraField(field)) return TEXT;
  const type = FIELD_TYPES.get(field);
  if (type === 'string') return TEXT;
  if (type === 'port') return PORT;
  if (type === 'time' || type === 'ip' || type === 'url' || type === 'float' || type === 'integer') return PLAIN;
  return CACHED;
}

/** Builds a column; `validate` is the field's validator (time fields: the parser's, per chunk). */
export function makeColumn(index: number, field: string, validate: Validator, spec: { map?: Record<string, string> | undefined; default?: string | undefined; onInvalid: 'error' | 'skip' }): Column {
  const kind = kindOf(field);
  const map = spec.map ? new Map(Object.entries(spec.map).flatMap(([k, v]) => [[k, v], [k.trim().toLowerCase(), v]])) : null;
  return { index, field, kind, trims: !isExtraField(field), validate, map, fallback: spec.default, lenient: spec.onInvalid === 'skip', cache: kind === CACHED ? new Map() : null };
}

// Printable ASCII other than space at both ends: String.prototype.trim would change nothing.
function untrimmed(s: string): boolean {
  const a = s.charCodeAt(0);
  const z = s.charCodeAt(s.length - 1);
  return a > 32 && a < 127 && z > 32 && z < 127;
}

function portOf(s: string): number {
  const n = s.length;
  if (n === 0 || n > 5) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v <= 65535 ? v : -1;
}

/** The value of a column's (non-empty, mapped) text: the validator's result, by the fastest path that gives it. */
export function columnValue(col: Column, value: string): EventValue | Invalid {
  switch (col.kind) {
    case TEXT:
      return !col.trims || untrimmed(value) ? value : col.validate(value);
    case PORT: {
      const p = portOf(value);
      return p >= 0 ? p : col.validate(value);
    }
    case CACHED: {
      const cache = col.cache as Map<string, EventValue>;
      const hit = cache.get(value);
      if (hit !== undefined) return hit;
      const v = col.validate(value);
      if (!(v instanceof Invalid) && cache.size < CACHE_LIMIT) cache.set(value, v);
      return v;
    }
    default:
      return col.validate(value);
  }
}
