import { canonicalJson } from '../audit/index.ts';

const BAIL = Symbol('bail');
// Keys JSON.stringify would not write in insertion order (array indexes come first) or that an
// assignment would not create as a property.
const isAwkwardKey = (k: string) => k === '__proto__' || (k.length > 0 && k.length < 11 && k.charCodeAt(0) >= 48 && k.charCodeAt(0) <= 57);

/** `value` with the keys of every object in sorted order (itself when they are), or BAIL. */
function sortedDeep(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] = value;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return BAIL;
      const x: unknown = value[i];
      const y = sortedDeep(x);
      if (y === BAIL) return BAIL;
      if (y !== x) (out === value ? (out = value.slice()) : out)[i] = y;
    }
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return BAIL;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  let sorted = true;
  let changed = false;
  const children = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (isAwkwardKey(k)) return BAIL;
    if (i > 0 && keys[i - 1]! > k) sorted = false;
    const x = o[k];
    const y = sortedDeep(x);
    if (y === BAIL) return BAIL;
    if (y !== x) changed = true;
    children[i] = y;
  }
  if (sorted && !changed) return value;
  const order = keys.map((k, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1));
  const out: Record<string, unknown> = {};
  for (const i of order) out[keys[i]!] = children[i];
  return out;
}

/**
 * Exactly the text the audit module's `canonicalJson` makes of a STIX object (keys sorted at every
 * depth, what JSON.stringify makes of the rest; RFC 8785 for JSON data). The objects' keys are put
 * in order and one native JSON.stringify writes the text, several times cheaper than building it
 * piece by piece: a bundle's objects are serialized (and hashed) once each on import, among the
 * hottest JavaScript of it. Anything unusual (array-index keys, class instances, toJSON, sparse
 * arrays) takes the audit module's algorithm. (No audit `CanonicalText` occurs in STIX objects.)
 */
export function canonicalStix(value: unknown): string {
  const sorted = sortedDeep(value);
  if (sorted === BAIL) return canonicalJson(value);
  return JSON.stringify(sorted) ?? 'null';
}
