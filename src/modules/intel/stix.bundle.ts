import { AppError } from '../../platform/errors.ts';
import { deterministicId, idDependsOnRefs } from './stix.ids.ts';
import { classifyMarking, type MarkingInfo } from './stix.markings.ts';
import { SCO_TYPES } from './stix.types.ts';
import { validateObject, type Rejection, type StixObject } from './stix.validate.ts';
import { isTlpMarkingId } from './tlp.ts';
import { micros } from './intel.sql.ts';

/** SCOs have no `modified` (nor `created`): their one version is stored at this time. */
export const SCO_EPOCH = '1970-01-01T00:00:00.000Z';

export type Checked = {
  valid: StixObject[];
  rejected: Rejection[];
  duplicates: { id: string; modified: string }[];
  /** Standard TLP marking definitions: recognized, not stored (exports carry the OASIS objects). */
  standardMarkings: { id: string; modified: string }[];
  markings: Map<string, MarkingInfo>;
  idChanges: { from: string; to: string }[];
};

/** The stored version key of an object: its modified, else created (markings), else the SCO epoch. */
export const versionOf = (o: Record<string, unknown>): string =>
  micros(typeof o.modified === 'string' ? o.modified : typeof o.created === 'string' ? o.created : SCO_EPOCH);

/** 400 `stix.not_a_bundle` unless `body` is `{ "type": "bundle", "objects": [...] }`. */
export function bundleObjects(body: unknown): unknown[] {
  const b = body as { type?: unknown; objects?: unknown } | null;
  if (!b || typeof b !== 'object' || Array.isArray(b) || b.type !== 'bundle') {
    throw new AppError('stix.not_a_bundle', 'The body is not a STIX bundle (an object with "type": "bundle")', 400);
  }
  if (b.objects === undefined) return [];
  if (!Array.isArray(b.objects)) throw new AppError('stix.not_a_bundle', 'The bundle\'s "objects" is not an array', 400, { field: 'objects' });
  return b.objects;
}

function rewriteRefs(o: Record<string, unknown>, map: ReadonlyMap<string, string>): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(o)) {
    let nv: unknown = v;
    if (k.endsWith('_ref') && typeof v === 'string' && map.has(v)) nv = map.get(v);
    else if (k.endsWith('_refs') && Array.isArray(v) && v.some((x) => typeof x === 'string' && map.has(x))) nv = v.map((x: unknown) => (typeof x === 'string' ? (map.get(x) ?? x) : x));
    if (nv !== v) (out ??= { ...o })[k] = nv;
  }
  return out ?? o;
}

// SCOs get their deterministic ids (validateObject need not derive them again); references to the
// old ids inside the bundle follow them. Types whose id depends on references (file -> directory,
// email-message -> email-addr ...) go second.
function deterministicIds(objects: unknown[], changes: { from: string; to: string }[]): unknown[] {
  let current = objects;
  for (const dependent of [false, true]) {
    const map = new Map<string, string>();
    current = current.map((o) => {
      const r = o as Record<string, unknown> | null;
      if (!r || typeof r !== 'object' || !SCO_TYPES.has(String(r.type)) || idDependsOnRefs(String(r.type)) !== dependent) return o;
      const id = deterministicId(r);
      if (!id || r.id === id) return o;
      if (typeof r.id === 'string') map.set(r.id, id);
      return { ...r, id };
    });
    if (!map.size) continue;
    for (const [from, to] of map) changes.push({ from, to });
    current = current.map((o) => (o && typeof o === 'object' && !Array.isArray(o) ? rewriteRefs(o as Record<string, unknown>, map) : o));
  }
  return current;
}

/**
 * Validates every object of a bundle on its own: rejections carry the id, a stable code and the
 * reason; duplicates of an (id, modified) pair inside the bundle are reported once as duplicates;
 * marking definitions are classified (standard TLP ids recognized, forged TLP claims rejected).
 */
export function checkBundle(objects: unknown[]): Checked {
  const idChanges: { from: string; to: string }[] = [];
  const prepared = deterministicIds(objects, idChanges);
  const out: Checked = { valid: [], rejected: [], duplicates: [], standardMarkings: [], markings: new Map(), idChanges };
  const seen = new Set<string>();
  for (const raw of prepared) {
    const v = validateObject(raw, { idsAssigned: true });
    if (!v.ok) {
      out.rejected.push({ id: v.id, code: v.code, reason: v.reason });
      continue;
    }
    const o = v.object;
    const key = `${o.id}|${versionOf(o)}`;
    if (seen.has(key)) {
      out.duplicates.push({ id: o.id, modified: versionOf(o) });
      continue;
    }
    seen.add(key);
    if (o.type === 'marking-definition') {
      const info = classifyMarking(o);
      out.markings.set(o.id, info);
      if (info.forged) {
        out.rejected.push({ id: o.id, code: 'stix.forged_marking', reason: 'the marking definition claims a TLP level its id does not stand for; objects marked with it are stored as TLP:RED' });
        continue;
      }
      if (isTlpMarkingId(o.id)) {
        out.standardMarkings.push({ id: o.id, modified: versionOf(o) });
        continue;
      }
    }
    out.valid.push(o);
  }
  return out;
}

/** Marking ids referenced by the objects that neither the bundle nor the TLP tables resolve. */
export function unresolvedMarkings(c: Checked): string[] {
  const ids = new Set<string>();
  for (const o of c.valid) {
    const refs = Array.isArray(o.object_marking_refs) ? (o.object_marking_refs as string[]) : [];
    for (const r of refs) if (!isTlpMarkingId(r) && !c.markings.has(r)) ids.add(r);
  }
  return [...ids];
}

/** Ids referenced by `*_ref(s)` (markings excepted) that the bundle does not contain. */
export function externalRefs(objects: readonly StixObject[]): Map<string, string[]> {
  const inBundle = new Set(objects.map((o) => o.id));
  const refs = new Map<string, string[]>();
  const add = (from: string, ref: unknown) => {
    if (typeof ref === 'string' && !inBundle.has(ref) && !ref.startsWith('marking-definition--')) {
      const l = refs.get(ref);
      if (l) l.push(from);
      else refs.set(ref, [from]);
    }
  };
  for (const o of objects) {
    for (const k of Object.keys(o)) {
      if (k === 'object_marking_refs') continue;
      if (k.endsWith('_ref')) add(o.id, o[k]);
      else if (k.endsWith('_refs') && Array.isArray(o[k])) for (const x of o[k] as unknown[]) add(o.id, x);
    }
  }
  return refs;
}
