import { createHash } from 'node:crypto';
import { observablesOfSco, type IntelObservable } from '../intel.observables.ts';
import type { StixRow } from '../intel.tables.ts';
import { uuidv5 } from '../stix.ids.ts';
import { extractPattern } from '../stix.patterns.ts';
import { SCO_TYPES } from '../stix.types.ts';

type Obj = Record<string, unknown>;
export type MispAttribute = { uuid: string; type: string; category: string; value: string; to_ids: boolean; timestamp: string; comment: string; Tag?: { name: string }[] };
export type MispEvent = { Event: Record<string, unknown> & { uuid: string; Attribute: MispAttribute[] } };

const NS = Buffer.from('7f0c5e1a2b3d4c6e8f9a0b1c2d3e4f50', 'hex');
const TYPES: Record<string, { type: string; category: string }> = {
  ipv4: { type: 'ip-dst', category: 'Network activity' },
  ipv6: { type: 'ip-dst', category: 'Network activity' },
  domain: { type: 'domain', category: 'Network activity' },
  url: { type: 'url', category: 'Network activity' },
  email: { type: 'email-src', category: 'Payload delivery' },
  md5: { type: 'md5', category: 'Payload delivery' },
  sha1: { type: 'sha1', category: 'Payload delivery' },
  sha256: { type: 'sha256', category: 'Payload delivery' },
};
// The organization MISP shows as the creator when the report names none.
const VIGIL_ORG = { name: 'Vigil', uuid: '5f6c1d2e-3a4b-4c5d-8e7f-9a0b1c2d3e4f' };

const uuidOf = (id: string) => id.slice(id.indexOf('--') + 2);
const unix = (d: Date | string) => String(Math.floor(new Date(d).getTime() / 1000));
const tlpTag = (tlp: string) => ({ name: `tlp:${tlp}` });

function observablesOf(o: Obj): IntelObservable[] {
  if (o.type === 'indicator' && o.pattern_type === 'stix' && typeof o.pattern === 'string') {
    const r = extractPattern(o.pattern);
    return r.supported ? r.observables : [];
  }
  return SCO_TYPES.has(String(o.type)) ? observablesOfSco(o) : [];
}

/** The MISP attributes of one stored STIX object (several when a pattern ORs values). */
export function attributesOf(row: StixRow): MispAttribute[] {
  const o = row.object as Obj;
  const base = { timestamp: unix(row.modified), comment: typeof o.name === 'string' ? o.name.slice(0, 500) : '', Tag: [tlpTag(row.tlp)] };
  if (o.type === 'vulnerability' && typeof o.name === 'string') return [{ uuid: uuidOf(row.id), type: 'vulnerability', category: 'External analysis', value: o.name, to_ids: false, ...base }];
  return observablesOf(o).flatMap((obs, i) => {
    const t = TYPES[obs.kind];
    if (!t) return [];
    const uuid = i === 0 ? uuidOf(row.id) : uuidv5(`${row.id}|${obs.kind}|${obs.value}`, NS);
    return [{ uuid, type: t.type, category: t.category, value: obs.value, to_ids: o.type === 'indicator', ...base }];
  });
}

/** The event header MISP keeps in manifest.json (and at the top of the event file). */
export function eventHeader(report: StixRow, org: StixRow | undefined): Record<string, unknown> & { uuid: string } {
  const o = report.object as Obj;
  const labels = Array.isArray(o.labels) ? (o.labels as unknown[]).filter((l): l is string => typeof l === 'string') : [];
  return {
    uuid: uuidOf(report.id),
    info: typeof o.name === 'string' ? o.name : report.id,
    date: new Date(typeof o.published === 'string' ? o.published : report.created).toISOString().slice(0, 10),
    timestamp: unix(report.modified),
    publish_timestamp: unix(report.modified),
    published: true,
    analysis: '2',
    threat_level_id: '4',
    Orgc: org ? { name: String((org.object as Obj).name ?? 'unknown'), uuid: uuidOf(org.id) } : VIGIL_ORG,
    Tag: [tlpTag(report.tlp), ...labels.map((name) => ({ name }))],
  };
}

/** A MISP event of a report or grouping and the referenced objects the viewer may see. */
export function toMispEvent(report: StixRow, refs: readonly StixRow[], org: StixRow | undefined): MispEvent {
  const seen = new Set<string>();
  const attributes = refs.flatMap(attributesOf).filter((a) => !seen.has(a.uuid) && seen.add(a.uuid));
  return { Event: { ...eventHeader(report, org), Attribute: attributes } };
}

/** Lines of a MISP feed's hashes.csv: md5 of each attribute value, and its event uuid. */
export function hashLines(event: MispEvent): string[] {
  return event.Event.Attribute.map((a) => `${createHash('md5').update(a.value).digest('hex')},${event.Event.uuid}`);
}
