import { AppError } from '../../../platform/errors.ts';
import type { Tlp } from '../intel.tables.ts';
import { uuidv5 } from '../stix.ids.ts';
import { parseTlp, stricter, TLP2_MARKING_IDS } from '../tlp.ts';

/** An attribute that has no STIX counterpart here (kept out of the store, reported). */
export type Skipped = { uuid: string | null; type: string; reason: string };
export type Mapped = { eventUuid: string; timestamp: number; objects: Record<string, unknown>[]; skipped: Skipped[] };

type Attr = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Derived attribute uuids (attributes without one) live in this namespace.
const NS = Buffer.from('4b1e9c2a7d3f4e8a9c6b2d1e0f3a5b7c', 'hex');

const HASHES: Record<string, string> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' };
const SCALAR: Record<string, 'ipv4-addr' | 'domain-name' | 'url' | 'email-addr'> = {
  'ip-src': 'ipv4-addr', 'ip-dst': 'ipv4-addr', domain: 'domain-name', hostname: 'domain-name', url: 'url', uri: 'url',
  email: 'email-addr', 'email-src': 'email-addr', 'email-dst': 'email-addr',
};

const bad = (field: string, message: string) => new AppError('misp.invalid_event', `${field}: ${message}`, 400, { field });
const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

function seconds(v: unknown, field: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,12}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw bad(field, 'must be a UNIX timestamp');
  return n;
}

function tagNames(v: unknown): string[] {
  return Array.isArray(v) ? v.map((t) => (t as { name?: unknown } | null)?.name).filter((n): n is string => typeof n === 'string' && n.length > 0 && n.length <= 500) : [];
}

/** The TLP of a tag list (the strictest tlp:* tag), or undefined. */
export function tlpOfTags(tags: readonly string[]): Tlp | undefined {
  let out: Tlp | undefined;
  for (const t of tags) {
    const tlp = /^tlp:/i.test(t) ? parseTlp(t) : undefined;
    if (tlp) out = out ? stricter(out, tlp) : tlp;
  }
  return out;
}

/** The SCO (and the STIX pattern of the same value) of one attribute, or why there is none. */
function observable(type: string, raw: string): { sco: Record<string, unknown>; pattern: string } | string {
  const base = type.includes('|') ? type.split('|') : [type];
  const value = type.includes('|') ? (raw.split('|')[base[0] === 'filename' ? 1 : 0] ?? '') : raw;
  const kind = base[0] === 'filename' ? base[1]! : base[0]!;
  const alg = HASHES[kind];
  if (alg) return { sco: { type: 'file', hashes: { [alg]: value.toLowerCase() } }, pattern: `[file:hashes.'${alg}' = ${quote(value.toLowerCase())}]` };
  let sco = SCALAR[kind];
  if (!sco) return `MISP type ${type} has no STIX cyber observable here`;
  if (sco === 'ipv4-addr' && value.includes(':')) return { sco: { type: 'ipv6-addr', value }, pattern: `[ipv6-addr:value = ${quote(value)}]` };
  if (kind === 'domain' && type === 'domain|ip') sco = 'domain-name';
  return { sco: { type: sco, value }, pattern: `[${sco}:value = ${quote(value)}]` };
}

type Ctx = { eventUuid: string; eventTs: number; eventTlp: Tlp | undefined; createdBy: string | undefined };

function attributeObject(a: Attr, ctx: Ctx, skipped: Skipped[]): Record<string, unknown> | null {
  const type = typeof a.type === 'string' ? a.type : '';
  const value = typeof a.value === 'string' ? a.value.trim() : '';
  const uuid = typeof a.uuid === 'string' && UUID.test(a.uuid) ? a.uuid.toLowerCase() : null;
  if (!type || !value) {
    skipped.push({ uuid, type, reason: 'attribute without type or value' });
    return null;
  }
  const id = uuid ?? uuidv5(`${ctx.eventUuid}|${type}|${value}`, NS);
  const tags = tagNames(a.Tag);
  const own = tlpOfTags(tags);
  const tlp = own && ctx.eventTlp ? stricter(own, ctx.eventTlp) : (own ?? ctx.eventTlp);
  const ts = a.timestamp === undefined ? ctx.eventTs : seconds(a.timestamp, `Attribute ${id}.timestamp`);
  const common = {
    spec_version: '2.1', created: iso(ts), modified: iso(ts),
    ...(ctx.createdBy ? { created_by_ref: ctx.createdBy } : {}),
    ...(tlp ? { object_marking_refs: [TLP2_MARKING_IDS[tlp]] } : {}),
    ...(tags.some((t) => !/^tlp:/i.test(t)) ? { labels: tags.filter((t) => !/^tlp:/i.test(t)) } : {}),
    external_references: [{ source_name: 'misp', external_id: id }],
  };
  if (type === 'vulnerability') return { type: 'vulnerability', id: `vulnerability--${id}`, name: value, ...common, external_references: [{ source_name: 'cve', external_id: value }, ...common.external_references] };
  const o = observable(type, value);
  if (typeof o === 'string') {
    skipped.push({ uuid, type, reason: o });
    return null;
  }
  if (a.to_ids === true || a.to_ids === '1' || a.to_ids === 1) {
    const validFrom = typeof a.first_seen === 'string' && !Number.isNaN(Date.parse(a.first_seen)) ? new Date(a.first_seen).toISOString() : iso(ts);
    const comment = typeof a.comment === 'string' && a.comment ? a.comment.slice(0, 1000) : undefined;
    return { type: 'indicator', id: `indicator--${id}`, name: `${type}: ${value}`.slice(0, 500), ...(comment ? { description: comment } : {}), pattern: o.pattern, pattern_type: 'stix', valid_from: validFrom, indicator_types: ['malicious-activity'], ...common };
  }
  // An SCO has no created/modified/created_by_ref/labels; its id is derived from its value by the store.
  return { ...o.sco, id: `${String(o.sco.type)}--${id}`, spec_version: '2.1', ...(tlp ? { object_marking_refs: [TLP2_MARKING_IDS[tlp]] } : {}) };
}

function eventOf(doc: unknown): Record<string, unknown> {
  const e = (doc as { Event?: unknown } | null)?.Event;
  if (!e || typeof e !== 'object' || Array.isArray(e)) throw new AppError('misp.not_an_event', 'The body is not a MISP event ({"Event": {...}})', 400);
  return e as Record<string, unknown>;
}

function attributesOf(e: Record<string, unknown>): Attr[] {
  const own = Array.isArray(e.Attribute) ? (e.Attribute as Attr[]) : [];
  const inObjects = Array.isArray(e.Object) ? (e.Object as { Attribute?: unknown }[]).flatMap((o) => (Array.isArray(o?.Attribute) ? (o.Attribute as Attr[]) : [])) : [];
  return [...own, ...inObjects].filter((a) => a && typeof a === 'object' && !Array.isArray(a));
}

function galaxyLabels(e: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const g of Array.isArray(e.Galaxy) ? (e.Galaxy as Record<string, unknown>[]) : []) {
    for (const c of Array.isArray(g?.GalaxyCluster) ? (g.GalaxyCluster as Record<string, unknown>[]) : []) {
      if (typeof c?.tag_name === 'string') out.push(c.tag_name);
      else if (typeof g.type === 'string' && typeof c?.value === 'string') out.push(`misp-galaxy:${g.type}="${c.value}"`);
    }
  }
  return out;
}

/**
 * Maps a MISP event (`{"Event": {...}}`) to STIX 2.1: each attribute (also inside MISP objects) to
 * an indicator with a STIX pattern when `to_ids` is set, else to the cyber observable itself;
 * `vulnerability` to a vulnerability; the event to a report (`report--<event uuid>`, version =
 * the event timestamp) that refers to all of them, created by the event's Orgc as an identity.
 * `tlp:*` tags become TLP 2.0 markings (an attribute's own tag can only make it stricter); other
 * tags and galaxy clusters become labels. Attributes of other types are reported as skipped.
 */
export function mispEventToStix(doc: unknown): Mapped {
  const e = eventOf(doc);
  if (typeof e.uuid !== 'string' || !UUID.test(e.uuid)) throw bad('Event.uuid', 'must be a UUID');
  const eventUuid = e.uuid.toLowerCase();
  const eventTs = seconds(e.timestamp, 'Event.timestamp');
  const tags = [...new Set([...tagNames(e.Tag), ...galaxyLabels(e)])];
  const eventTlp = tlpOfTags(tags);
  const orgc = e.Orgc as { name?: unknown; uuid?: unknown } | undefined;
  const org = orgc && typeof orgc.name === 'string' && typeof orgc.uuid === 'string' && UUID.test(orgc.uuid) ? { id: `identity--${orgc.uuid.toLowerCase()}`, name: orgc.name.slice(0, 500) } : undefined;
  const ctx: Ctx = { eventUuid, eventTs, eventTlp, createdBy: org?.id };
  const skipped: Skipped[] = [];
  const objects = attributesOf(e).map((a) => attributeObject(a, ctx, skipped)).filter((o): o is Record<string, unknown> => o !== null);
  if (!objects.length) throw new AppError('misp.empty_event', 'The event has no attribute that maps to STIX', 400, { skipped: skipped.slice(0, 100) });
  const date = typeof e.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(e.date) ? `${e.date}T00:00:00.000Z` : iso(eventTs);
  const created = date < iso(eventTs) ? date : iso(eventTs);
  const marking = eventTlp ? { object_marking_refs: [TLP2_MARKING_IDS[eventTlp]] } : {};
  const identity = org ? [{ type: 'identity', spec_version: '2.1', id: org.id, created, modified: created, name: org.name, identity_class: 'organization', ...marking }] : [];
  const report = {
    type: 'report', spec_version: '2.1', id: `report--${eventUuid}`, created, modified: iso(eventTs),
    name: typeof e.info === 'string' && e.info.trim() ? e.info.trim().slice(0, 1000) : `MISP event ${eventUuid}`,
    published: iso(eventTs), report_types: ['threat-report'], object_refs: [...new Set(objects.map((o) => String(o.id)))],
    ...(org ? { created_by_ref: org.id } : {}), ...marking,
    ...(tags.some((t) => !/^tlp:/i.test(t)) ? { labels: tags.filter((t) => !/^tlp:/i.test(t)) } : {}),
    external_references: [{ source_name: 'misp', external_id: eventUuid }],
  };
  return { eventUuid, timestamp: eventTs, objects: [...identity, ...objects, report], skipped };
}
