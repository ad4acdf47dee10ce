/**
 * The stored form of an event: lean rows.
 *
 * Every value the events table has a column for lives in that column only; `data` (json) keeps
 * what has no column (classification.identifier, protocol.*, destination.*, malware.*, extra.*,
 * ...). Never stored in `data`: values already in columns, `feed.*` equal to the feed's settings,
 * `extra.constituency` (rebuilt from organization_id), and `raw` of line formats (rebuilt from
 * the raw report kept in feed_chunks by report_id + line_no). A value a column cannot give back
 * exactly (a non-canonical time or address, a port given as text, a NUL byte ...) stays in `data`,
 * which wins over the columns when the event is rebuilt: `toHarmonized` is the exact inverse.
 *
 * Why: the per-row document dominated the load (measured on PGlite: full jsonb incl. raw ~21k
 * rows/CPU-s, lean json several times smaller and faster); see the migration for the indexes.
 */
import { IS_IPV6, parseAddress } from '../asn/ip-memo.ts';
import { formatTime } from '../parse/timestamp.ts';
import type { FeedRow } from '../pipeline.tables.ts';
import type { HarmonizedEvent, ProcessedEvent } from '../pipeline.types.ts';

/** The formats whose `raw` is the base64 of one line of the report (rebuilt from the chunks). */
export const LINE_FORMATS: ReadonlySet<string> = new Set(['csv', 'jsonl', 'list', 'intelmq']);

/** What the writer and the reader know of the feed (from its row). */
export type FeedStamp = { name: string; provider: string | null; accuracy: number | null; code: string | null; format: string; tlp: string };

/** The feed's stamp from its row. */
export function feedStamp(feed: Pick<FeedRow, 'name' | 'provider' | 'accuracy' | 'code' | 'format' | 'tlp'>): FeedStamp {
  return { name: feed.name, provider: feed.provider, accuracy: feed.accuracy, code: feed.code, format: feed.format, tlp: feed.tlp };
}

/** One event split into its columns and its lean document (a scratch object, reused per event). */
export type LeanRow = {
  /** Epoch ms of time.source, NaN when none. */
  timeSourceMs: number;
  taxonomy: string;
  type: string;
  /** source.ip for the column: an address (IPv4 also as uint32 in ipv4, else IPv6), or null. */
  ip: string | null;
  ipv4: number;
  port: number | null;
  asn: number | null;
  fqdn: string | null;
  url: string | null;
  cc: string | null;
  tlp: string;
  /** The lean document as JSON text. */
  data: string;
};

export function newLeanRow(): LeanRow {
  return { timeSourceMs: Number.NaN, taxonomy: '', type: '', ip: null, ipv4: -1, port: null, asn: null, fqdn: null, url: null, cc: null, tlp: '', data: '{}' };
}

/** A dotted-quad IPv4 address in canonical form (no leading zeros) as uint32, else -1. */
export function canonicalIPv4(s: string): number {
  const n = s.length;
  if (n < 7 || n > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 255 || (digits > 1 && s.charCodeAt(i - digits) === 48)) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      if (i < n && ++dots > 3) return -1;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
    } else return -1;
  }
  return dots === 3 ? value : -1;
}

// The last TLP seen, lowered and raised again (a feed's events share a handful of markings).
let lastTlp = '';
let lowTlp = '';
let upperTlp = '';
function lowerTlp(t: string): string {
  if (t !== lastTlp) {
    lastTlp = t;
    lowTlp = t.toLowerCase();
    upperTlp = lowTlp.toUpperCase();
  }
  return lowTlp;
}

let lastDate = '';
let lastDayMs = Number.NaN;
const digit = (s: string, i: number): number => {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
};
const num = (s: string, i: number, n: number): number => {
  let v = 0;
  for (let k = 0; k < n; k++) v = v * 10 + digit(s, i + k);
  return v;
};

/**
 * Epoch ms of a time in the parsers' canonical form (parse/timestamp.ts formatTime:
 * `2024-01-02T03:04:05+00:00`, `.123` when not whole), NaN for any other text: only canonical
 * times are rebuilt from the column, anything else keeps its text in data.
 */
export function canonicalTime(s: string): number {
  const n = s.length;
  if ((n !== 25 && n !== 29) || s.charCodeAt(10) !== 84 || !s.endsWith('+00:00') || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return Number.NaN;
  const date = s.slice(0, 10);
  if (date !== lastDate) {
    const y = num(s, 0, 4);
    const m = num(s, 5, 2);
    const d = num(s, 8, 2);
    const ms = s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && y >= 1000 ? Date.UTC(y, m - 1, d) : Number.NaN;
    const check = new Date(ms);
    lastDate = date;
    lastDayMs = check.getUTCFullYear() === y && check.getUTCMonth() === m - 1 && check.getUTCDate() === d ? ms : Number.NaN;
  }
  const h = num(s, 11, 2);
  const mi = num(s, 14, 2);
  const se = num(s, 17, 2);
  let frac = 0;
  if (n === 29) {
    frac = s.charCodeAt(19) === 46 ? num(s, 20, 3) : Number.NaN;
    if (frac === 0) return Number.NaN; // formatTime writes no `.000`
  }
  if (!(h < 24 && mi < 60 && se < 60)) return Number.NaN;
  return lastDayMs + ((h * 60 + mi) * 60 + se) * 1000 + frac;
}

/** A string a text column stores exactly (non-empty, no NUL byte), else null. */
const columnText = (v: unknown): string | null => (typeof v === 'string' && v !== '' && !v.includes('\0') ? v : null);
const isInt = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

// Keys whose value (when a column gives it back exactly) lives in a column, by slot in `kept`.
const COLUMN_KEYS = ['time.observation', 'time.source', 'classification.taxonomy', 'classification.type', 'source.ip', 'source.port', 'source.asn', 'source.fqdn', 'source.url', 'source.geolocation.cc', 'tlp', 'feed.name', 'feed.provider', 'feed.accuracy', 'feed.code', 'extra.constituency'] as const;
type ColumnKey = (typeof COLUMN_KEYS)[number];
const SLOT = new Map<string, number>(COLUMN_KEYS.map((k, i) => [k, i]));
/** 1 where the event's value of a column key must stay in data (set per event by splitEvent). */
const kept = new Uint8Array(COLUMN_KEYS.length);
const keep = (k: ColumnKey): void => void (kept[SLOT.get(k)!] = 1);

// JSON of each key, computed once (harmonized field names are few).
const keyJson = new Map<string, string>();
function jsonKey(k: string): string {
  let j = keyJson.get(k);
  if (j === undefined) {
    j = `${JSON.stringify(k)}:`;
    if (keyJson.size < 10_000) keyJson.set(k, j);
  }
  return j;
}

// Characters JSON escapes (controls, quote, backslash, lone surrogate halves): the rare strings
// that contain one go through JSON.stringify, the others are quoted as they are.
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** The lean document: every field but the column keys not marked in `kept`, as JSON text. */
function leanJson(e: HarmonizedEvent): string {
  let json = '{';
  for (const k in e) {
    const v = e[k];
    if (v === undefined) continue;
    const slot = SLOT.get(k);
    if (slot !== undefined && kept[slot] === 0) continue;
    if (json.length > 1) json += ',';
    json += jsonKey(k) + (typeof v === 'string' ? (NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`) : typeof v === 'number' && Number.isFinite(v) ? String(v) : JSON.stringify(v));
  }
  return `${json}}`;
}

/** Fills `row` with the columns of `p` and its lean document. `observed`: formatTime of time_observation. */
export function splitEvent(p: ProcessedEvent, feed: FeedStamp, observed: string, row: LeanRow): void {
  const e = p.event;
  kept.fill(0);
  if (e['time.observation'] !== observed) keep('time.observation');
  const ts = e['time.source'];
  row.timeSourceMs = typeof ts === 'string' ? canonicalTime(ts) : Number.NaN;
  if (Number.isNaN(row.timeSourceMs)) {
    keep('time.source');
    if (typeof ts === 'string') row.timeSourceMs = Date.parse(ts); // the column still serves queries
  }
  row.taxonomy = columnText(e['classification.taxonomy']) ?? 'other';
  if (row.taxonomy !== e['classification.taxonomy']) keep('classification.taxonomy');
  row.type = columnText(e['classification.type']) ?? 'undetermined';
  if (row.type !== e['classification.type']) keep('classification.type');
  splitAddress(e, row);
  const port = e['source.port'];
  row.port = isInt(port, 2147483647) ? port : typeof port === 'string' && /^\d{1,9}$/.test(port) ? Number(port) : null;
  if (row.port !== port) keep('source.port');
  const asn = e['source.asn'];
  row.asn = isInt(asn, Number.MAX_SAFE_INTEGER) ? asn : typeof asn === 'string' && /^\d{1,15}$/.test(asn) ? Number(asn) : null;
  if (row.asn !== asn) keep('source.asn');
  row.fqdn = columnText(e['source.fqdn']);
  if (row.fqdn === null) keep('source.fqdn');
  row.url = columnText(e['source.url']);
  if (row.url === null) keep('source.url');
  row.cc = columnText(e['source.geolocation.cc']);
  if (row.cc === null) keep('source.geolocation.cc');
  const tlp = columnText(e.tlp);
  row.tlp = lowerTlp(tlp ?? feed.tlp);
  if (tlp === null || tlp !== upperTlp) keep('tlp');
  if (e['feed.name'] !== feed.name) keep('feed.name');
  if (e['feed.provider'] !== (feed.provider ?? undefined)) keep('feed.provider');
  if (e['feed.accuracy'] !== (feed.accuracy ?? undefined)) keep('feed.accuracy');
  if (e['feed.code'] !== (feed.code ?? undefined)) keep('feed.code');
  if (p.organizationId === null) keep('extra.constituency');
  row.data = leanJson(e);
}

/**
 * source.ip: a canonical IPv4 address lives in the column only. Any other address (IPv6, whose
 * text forms are many) goes to the column for lookups and keeps its exact text in data; text that
 * is no address stays in data only. For IPv6, ADDRESS_WORDS holds the address until the next parse.
 */
function splitAddress(e: HarmonizedEvent, row: LeanRow): void {
  row.ip = columnText(e['source.ip']);
  row.ipv4 = row.ip === null ? -1 : canonicalIPv4(row.ip);
  if (row.ipv4 >= 0) return;
  keep('source.ip');
  if (row.ip === null) return;
  const a = parseAddress(row.ip);
  if (a >= 0) row.ipv4 = a;
  else if (a !== IS_IPV6) row.ip = null;
}

/** The organization fields `extra.constituency` is rebuilt from. */
export type OrgStamp = { name: string; sector: string; isCii: boolean; ciiCategory: string | null; centerIds: readonly string[] };

/** A row of the events table as the readers select it (id and times as the drivers give them). */
export type StoredEventRow = {
  time_observation: Date;
  time_source: Date | null;
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

/**
 * Rebuilds the full harmonized (IntelMQ) event of a stored row: the columns, the feed's fields, the
 * owner's `extra.constituency`, `raw` when given, then the lean document over them (it wins).
 */
export function toHarmonized(row: StoredEventRow, feed: FeedStamp | undefined, extra: { org?: OrgStamp | undefined; raw?: string | null | undefined } = {}): HarmonizedEvent {
  const e: HarmonizedEvent = {};
  e['time.observation'] = formatTime(row.time_observation.getTime());
  if (row.time_source) e['time.source'] = formatTime(row.time_source.getTime());
  if (feed) {
    e['feed.name'] = feed.name;
    if (feed.provider !== null) e['feed.provider'] = feed.provider;
    if (feed.accuracy !== null) e['feed.accuracy'] = feed.accuracy;
    if (feed.code !== null) e['feed.code'] = feed.code;
  }
  e['classification.taxonomy'] = row.classification_taxonomy;
  e['classification.type'] = row.classification_type;
  if (row.source_ip !== null) e['source.ip'] = row.source_ip;
  if (row.source_port !== null) e['source.port'] = row.source_port;
  if (row.source_asn !== null) e['source.asn'] = Number(row.source_asn);
  if (row.source_fqdn !== null) e['source.fqdn'] = row.source_fqdn;
  if (row.source_url !== null) e['source.url'] = row.source_url;
  if (row.source_cc !== null) e['source.geolocation.cc'] = row.source_cc;
  e.tlp = row.tlp.toUpperCase();
  const org = extra.org;
  if (row.organization_id !== null && org) e['extra.constituency'] = { organization: org.name, sector: org.sector, cii: org.isCii, ciiCategory: org.ciiCategory, centers: [...org.centerIds] };
  if (extra.raw) e.raw = extra.raw;
  const data = row.data;
  if (data && typeof data === 'object' && !Array.isArray(data)) Object.assign(e, data);
  return e;
}
