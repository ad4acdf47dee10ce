import { createHash } from 'node:crypto';

/** TLP 2.0 levels, most restrictive first. */
export const TLP_LEVELS = ['red', 'amber+strict', 'amber', 'green', 'clear'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

export type StixObject = Record<string, unknown> & { id: string; type: string };

const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

/**
 * The RSIT classes an object carries, as `taxonomy/type` (or `taxonomy` alone), read from MISP
 * machine-tag labels: `rsit:malicious-code="c2-server"` or `rsit:malicious-code`.
 */
export function rsitClassesOf(obj: StixObject): string[] {
  const out: string[] = [];
  for (const label of stringArray(obj.labels)) {
    const m = /^rsit:([a-z0-9-]+)(?:="([a-z0-9-]+)")?$/i.exec(label.trim());
    if (m) out.push(m[2] ? `${m[1]!.toLowerCase()}/${m[2].toLowerCase()}` : m[1]!.toLowerCase());
  }
  return out;
}

/**
 * The sectors an object concerns: an identity's STIX `sectors`, `x_vigil_sectors`, and labels
 * `sector:<code>` (sector codes as in the constituency registry or the STIX industry vocabulary).
 */
export function sectorsOf(obj: StixObject): string[] {
  const out = [...stringArray(obj.sectors), ...stringArray(obj.x_vigil_sectors)];
  for (const label of stringArray(obj.labels)) {
    const m = /^sector:([a-z0-9-]+)$/i.exec(label.trim());
    if (m) out.push(m[1]!.toLowerCase());
  }
  return out.map((s) => s.toLowerCase());
}

/** Whether an agreement's RSIT entry (`taxonomy` or `taxonomy/type`) covers an object's class. */
export function rsitCovers(entry: string, cls: string): boolean {
  return entry === cls || (!entry.includes('/') && cls.startsWith(`${entry}/`));
}

/** The id of a STIX cyber observable from its id-contributing properties (UUIDv5, STIX 2.1 §2.9). */
export function scoId(type: string, contributing: Record<string, unknown>): string {
  const name = canonical(contributing);
  const ns = Buffer.from(STIX_SCO_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${type}--${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Every `*_ref` and `*_refs` property at the top level of an object, as [name, ids]. */
export function refProperties(obj: StixObject): [string, string[]][] {
  const out: [string, string[]][] = [];
  // Runs for every object of every page served: no entries array, no per-key allocation.
  for (const k of Object.keys(obj)) {
    if (!k.endsWith('_ref') && !k.endsWith('_refs')) continue;
    const v = obj[k];
    if (k.endsWith('_ref') && typeof v === 'string') out.push([k, [v]]);
    else if (k.endsWith('_refs') && Array.isArray(v)) out.push([k, v.filter((x): x is string => typeof x === 'string')]);
  }
  return out;
}

function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

// RFC 8785-style for the simple values SCO ids are made of (sorted keys, no whitespace).
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
}
