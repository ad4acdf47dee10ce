import type { Pap, Tlp } from './intel.tables.ts';
import { declaredPap, declaredTlp, isTlpMarkingId, parsePap, parseTlp, stricter, tlpOfMarkingId, TLP2_MARKING_IDS } from './tlp.ts';
import type { StixObject } from './stix.validate.ts';

/** What Vigil knows about a marking id: the TLP or PAP it stands for, or a forged TLP claim. */
export type MarkingInfo = { tlp?: Tlp; pap?: Pap; forged?: boolean };

/**
 * Classifies a marking-definition object. A standard TLP id whose content declares another level,
 * or a non-standard id that declares a TLP level, is forged (Vigil trusts only the OASIS ids).
 */
export function classifyMarking(md: Record<string, unknown>): MarkingInfo {
  const id = String(md.id);
  const declared = declaredTlp(md);
  const official = tlpOfMarkingId(id);
  if (official) return declared && declared !== official ? { forged: true } : { tlp: official };
  if (declared) return { forged: true };
  const pap = declaredPap(md);
  return pap ? { pap } : {};
}

const PAP_PROPERTY = /^x_[a-z0-9_]*pap$/;

// PAP from a custom property (`x_misp_pap`, `x_opencti_pap` ...) or a `PAP:` label.
function papOfProperties(obj: StixObject): Pap | undefined {
  let pap: Pap | undefined;
  const take = (p: Pap | undefined) => {
    if (p && (!pap || ['clear', 'green', 'amber', 'red'].indexOf(p) > ['clear', 'green', 'amber', 'red'].indexOf(pap))) pap = p;
  };
  for (const [k, v] of Object.entries(obj)) if (PAP_PROPERTY.test(k)) take(parsePap(v));
  if (Array.isArray(obj.labels)) for (const l of obj.labels) if (typeof l === 'string' && /^pap:/i.test(l)) take(parsePap(l));
  return pap;
}

export type Marked = { object: StixObject; tlp: Tlp; pap: Pap | null; unknownMarkings: string[] };

/**
 * The object's TLP (the most restrictive of its markings; a forged marking counts as RED; a marking
 * Vigil cannot resolve makes it at least the default; none at all gives the default) and PAP, with
 * object_marking_refs rewritten to one OASIS TLP 2.0 id plus its non-TLP markings.
 */
export function applyMarkings(obj: StixObject, known: ReadonlyMap<string, MarkingInfo>, defaultTlp: Tlp): Marked {
  const refs = Array.isArray(obj.object_marking_refs) ? (obj.object_marking_refs as string[]) : [];
  let tlp: Tlp | undefined;
  let pap: Pap | undefined = papOfProperties(obj);
  const kept: string[] = [];
  const unknown: string[] = [];
  for (const ref of refs) {
    const info = tlpOfMarkingId(ref) ? { tlp: tlpOfMarkingId(ref) } : known.get(ref);
    if (info?.forged) tlp = 'red';
    else if (info?.tlp) tlp = tlp ? stricter(tlp, info.tlp) : info.tlp;
    else if (info) kept.push(ref);
    else {
      kept.push(ref);
      unknown.push(ref);
    }
    if (info?.pap && (!pap || ['clear', 'green', 'amber', 'red'].indexOf(info.pap) > ['clear', 'green', 'amber', 'red'].indexOf(pap))) pap = info.pap;
  }
  let level = tlp ?? defaultTlp;
  if (unknown.length) level = stricter(level, defaultTlp);
  // A marking definition is a label, not intelligence: visible to all unless itself marked.
  if (obj.type === 'marking-definition') return { object: obj, tlp: tlp ?? 'clear', pap: pap ?? null, unknownMarkings: unknown };
  const object = { ...obj, object_marking_refs: [TLP2_MARKING_IDS[level], ...kept.filter((r) => !isTlpMarkingId(r))] };
  return { object, tlp: level, pap: pap ?? null, unknownMarkings: unknown };
}

export { parseTlp };
