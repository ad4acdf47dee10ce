import { hash } from 'node:crypto';
import type { IntelObservable } from './intel.observables.ts';
import { observablesOfSco } from './intel.observables.ts';
import type { EdgeRow, NewObjectRow, ObservableRow } from './intel.repository.ts';
import type { Marked } from './stix.markings.ts';
import { extractPattern } from './stix.patterns.ts';
import { SCO_TYPES } from './stix.types.ts';
import { SCO_EPOCH, versionOf } from './stix.bundle.ts';
import { canonicalStix } from './stix.canonical.ts';
import type { Rejection, StixObject } from './stix.validate.ts';

const labelOf = (o: StixObject): string | null => {
  const v = o.name ?? o.value ?? o.pattern;
  return typeof v === 'string' ? v.slice(0, 500) : null;
};

/** The row of one object version: canonical JSON (RFC 8785) stored and hashed once. */
export function objectRow(m: Marked, source: string, dateAdded: Date): NewObjectRow {
  const o = m.object;
  const json = canonicalStix(o);
  return {
    id: o.id,
    modified: versionOf(o),
    created: typeof o.created === 'string' ? o.created : SCO_EPOCH,
    type: o.type,
    spec_version: typeof o.spec_version === 'string' ? o.spec_version : '2.1',
    date_added: dateAdded,
    tlp: m.tlp,
    pap: m.pap,
    source,
    revoked: o.revoked === true,
    label: labelOf(o),
    object: json,
    sha256: hash('sha256', json, 'hex'),
  };
}

/** Edges of a relationship or sighting (a sighting: one per where_sighted_ref, else one to itself). */
export function edgesOf(o: StixObject): EdgeRow[] {
  if (o.type === 'relationship' && typeof o.source_ref === 'string' && typeof o.target_ref === 'string') {
    return [{ id: o.id, source_ref: o.source_ref, target_ref: o.target_ref, relationship_type: String(o.relationship_type) }];
  }
  if (o.type === 'sighting' && typeof o.sighting_of_ref === 'string') {
    const where = Array.isArray(o.where_sighted_refs) ? (o.where_sighted_refs as string[]) : [];
    const targets = where.length ? where : [o.id];
    return targets.map((t) => ({ id: o.id, source_ref: o.sighting_of_ref as string, target_ref: t, relationship_type: 'sighted' }));
  }
  return [];
}

/** Observables of an indicator's simple STIX pattern or of an SCO; unsupported patterns are warnings. */
export function observablesOf(o: StixObject, warnings: Rejection[]): ObservableRow[] {
  let found: IntelObservable[] = [];
  let origin: 'pattern' | 'sco' = 'sco';
  if (o.type === 'indicator' && o.pattern_type === 'stix' && typeof o.pattern === 'string') {
    const r = extractPattern(o.pattern);
    origin = 'pattern';
    if (r.supported) found = r.observables;
    else warnings.push({ id: o.id, code: 'stix.pattern_unsupported', reason: `no observables extracted: ${r.reason}` });
  } else if (SCO_TYPES.has(o.type)) {
    found = observablesOfSco(o);
  }
  const seen = new Set<string>();
  return found
    .filter((f) => !seen.has(`${f.kind} ${f.value}`) && seen.add(`${f.kind} ${f.value}`))
    .map((f) => ({ object_id: o.id, kind: f.kind, value: f.value, net: f.net, origin }));
}
