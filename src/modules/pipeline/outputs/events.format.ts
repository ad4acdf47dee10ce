import { csvRow } from '../../../platform/csv.ts';

/** An event as the outputs read it from the events table. */
export type StoredEvent = {
  id: number | string;
  time_observation: Date;
  time_source: Date | null;
  feed_id: string;
  organization_id: string | null;
  classification_taxonomy: string;
  classification_type: string;
  source_ip: string | null;
  source_port: number | null;
  source_asn: number | string | null;
  source_fqdn: string | null;
  source_url: string | null;
  source_cc: string | null;
  tlp: string;
  data: unknown;
};

export const EVENT_FORMATS = ['json', 'jsonl', 'csv', 'intelmq'] as const;
export type EventFormat = (typeof EVENT_FORMATS)[number];

export const CONTENT_TYPES: Record<EventFormat, string> = {
  json: 'application/json',
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  intelmq: 'application/x-ndjson; charset=utf-8',
};

/** The CSV columns: IntelMQ field names; `extra` holds the `extra.*` fields as one JSON object. */
export const CSV_COLUMNS = [
  'time.source',
  'time.observation',
  'feed.name',
  'feed.provider',
  'classification.taxonomy',
  'classification.type',
  'classification.identifier',
  'source.ip',
  'source.port',
  'source.network',
  'source.asn',
  'source.as_name',
  'source.fqdn',
  'source.reverse_dns',
  'source.url',
  'source.geolocation.cc',
  'destination.ip',
  'destination.port',
  'destination.fqdn',
  'destination.url',
  'protocol.transport',
  'protocol.application',
  'malware.name',
  'malware.hash.sha256',
  'event_description.text',
  'tlp',
  'extra',
] as const;

/** Picks a format from `format=` first, then from the Accept header; JSON by default. */
export function negotiateFormat(format: EventFormat | undefined, accept: string | undefined): EventFormat {
  if (format) return format;
  const a = (accept ?? '').toLowerCase();
  if (/application\/(x-ndjson|jsonl|x-jsonlines)/.test(a)) return 'jsonl';
  if (a.includes('text/csv')) return 'csv';
  return 'json';
}

const asObject = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Flattens nested objects to dotted keys, as IntelMQ keeps them (`extra.tag`, not `extra: { tag }`). */
function flatten(data: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(data)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else if (v !== null && v !== undefined && v !== '') out[key] = v;
  }
  return out;
}

/** IntelMQ writes times as Python's isoformat in UTC: `2026-03-01T07:00:00+00:00`. */
function intelmqTime(v: unknown): unknown {
  if (typeof v !== 'string' && !(v instanceof Date)) return v;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  const iso = d.toISOString();
  const ms = d.getUTCMilliseconds();
  return `${iso.slice(0, 19)}${ms ? `.${String(ms * 1000).padStart(6, '0')}` : ''}+00:00`;
}

/** The harmonized fields of a stored event, flat and dotted, with the columns the table is sure of. */
export function intelmqFields(e: StoredEvent): Record<string, unknown> {
  const fields = flatten(asObject(e.data));
  fields['time.observation'] = intelmqTime(fields['time.observation'] ?? e.time_observation);
  if (fields['time.source'] !== undefined) fields['time.source'] = intelmqTime(fields['time.source']);
  fields['classification.taxonomy'] = e.classification_taxonomy;
  fields['classification.type'] = e.classification_type;
  fields.tlp ??= e.tlp.toUpperCase();
  return fields;
}

// Python's json.dumps(ensure_ascii=False, sort_keys=True): ", " and ": " separators, sorted keys.
function pythonJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pythonJson).join(', ')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}: ${pythonJson(o[k])}`)
      .join(', ')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** One line of IntelMQ JSON, exactly as IntelMQ's `Event.to_json()` writes it (file output bot). */
export function toIntelmqLine(e: StoredEvent): string {
  return `${pythonJson(intelmqFields(e))}\n`;
}

/** The API shape of an event. */
export function toApiEvent(e: StoredEvent) {
  return {
    id: String(e.id),
    timeObservation: e.time_observation.toISOString(),
    timeSource: e.time_source ? e.time_source.toISOString() : null,
    feedId: e.feed_id,
    organizationId: e.organization_id,
    classification: { taxonomy: e.classification_taxonomy, type: e.classification_type },
    source: { ip: e.source_ip, port: e.source_port, asn: e.source_asn === null ? null : Number(e.source_asn), fqdn: e.source_fqdn, url: e.source_url, cc: e.source_cc },
    tlp: e.tlp,
    event: asObject(e.data),
  };
}

/** The CSV header line. */
export const csvHeader = (): string => csvRow(CSV_COLUMNS);

/** One CSV line: every column by its IntelMQ name, formula-neutralized. */
export function toCsvLine(e: StoredEvent): string {
  const f = intelmqFields(e);
  const extra = Object.fromEntries(Object.entries(f).filter(([k]) => k.startsWith('extra.')).map(([k, v]) => [k.slice(6), v]));
  return csvRow(CSV_COLUMNS.map((c) => (c === 'extra' ? (Object.keys(extra).length ? extra : null) : f[c])));
}

/** One line of a stream in `format`. */
export function formatLine(format: Exclude<EventFormat, 'json'>, e: StoredEvent): string {
  if (format === 'csv') return toCsvLine(e);
  if (format === 'intelmq') return toIntelmqLine(e);
  return `${JSON.stringify(toApiEvent(e))}\n`;
}
