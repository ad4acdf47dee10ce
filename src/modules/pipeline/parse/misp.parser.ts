import type { FeedIdentity, HarmonizedEvent, LineError, ParsedChunk, ParsedEvent, RawChunk } from '../pipeline.types.ts';
import type { MispConfig } from './config.schema.ts';
import { parseDocument, rawOf } from './document.ts';
import { EventFactory, fieldError, lineError, type FieldProblem } from './event.ts';
import { setField } from './json-record.ts';
import type { ParseContext, Parser } from './parser.types.ts';
import { rsitType } from '../../../platform/rsit.ts';
import { normalizeTlp } from './validate.ts';

type Json = Record<string, unknown>;

/** MISP attribute type -> harmonized field(s); composite types ("a|b") split on "|". */
const ATTRIBUTE_FIELDS: Record<string, string[]> = {
  'ip-src': ['source.ip'],
  'ip-dst': ['destination.ip'],
  'ip-src|port': ['source.ip', 'source.port'],
  'ip-dst|port': ['destination.ip', 'destination.port'],
  domain: ['source.fqdn'],
  hostname: ['source.fqdn'],
  'domain|ip': ['source.fqdn', 'source.ip'],
  'hostname|port': ['source.fqdn', 'source.port'],
  url: ['source.url'],
  md5: ['malware.hash.md5'],
  sha1: ['malware.hash.sha1'],
  sha256: ['malware.hash.sha256'],
  'filename|md5': ['extra.file_name', 'malware.hash.md5'],
  'filename|sha1': ['extra.file_name', 'malware.hash.sha1'],
  'filename|sha256': ['extra.file_name', 'malware.hash.sha256'],
  'email-src': ['source.account'],
  'email-dst': ['destination.account'],
};

const THREAT_LEVELS: Record<string, string> = { '1': 'high', '2': 'medium', '3': 'low', '4': 'undefined' };

function tagNames(o: Json): string[] {
  const tags = Array.isArray(o.Tag) ? (o.Tag as Json[]) : [];
  return tags.map((t) => (typeof t?.name === 'string' ? t.name : '')).filter((n) => n !== '');
}

/** TLP and RSIT classification from MISP tags (tlp:amber, rsit:malicious-code="c2-server", ecsirt:...). */
function fromTags(tags: string[]): { tlp?: string; type?: string } {
  const out: { tlp?: string; type?: string } = {};
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('tlp:')) out.tlp = normalizeTlp(lower) ?? out.tlp;
    const m = /^(?:rsit|ecsirt):[a-z-]+="?([a-z-]+)"?$/.exec(lower);
    if (m && rsitType(m[1] as string) !== null) out.type = m[1] as string;
  }
  return out;
}

function epochSeconds(v: unknown): string | undefined {
  return typeof v === 'string' && /^\d+$/.test(v) ? new Date(Number(v) * 1000).toISOString() : undefined;
}

/**
 * MISP events ({"Event": {...}}, as MISP feeds and the API write them): each attribute (and each
 * object's attribute) of a supported type becomes an event; tags give TLP and classification, the
 * event's info and threat level give the description. `line` is the attribute's 1-based position.
 */
export class MispParser implements Parser {
  readonly format = 'misp' as const;
  readonly #config: MispConfig;
  readonly #events: EventFactory;

  constructor(config: MispConfig, feed: FeedIdentity) {
    this.#config = config;
    this.#events = new EventFactory(config, feed);
  }

  get chunking() {
    return { document: true, maxDocumentBytes: this.#config.maxDocumentBytes };
  }

  checkHeader(): null {
    return null;
  }

  /** Parses a whole MISP event (the report's only chunk). */
  parseChunk(chunk: RawChunk, ctx: ParseContext): ParsedChunk {
    const events: ParsedEvent[] = [];
    const errors: LineError[] = [];
    this.#events.begin(ctx.observedAt);
    const doc = parseDocument(chunk, this.#config.encoding, errors) as Json | null;
    if (doc === null) return { events, errors };
    const event = (typeof doc.Event === 'object' && doc.Event !== null ? doc.Event : doc) as Json;
    if (!Array.isArray(event.Attribute) && !Array.isArray(event.Object)) {
      errors.push(lineError(1, '', 'misp.not_event', 'The document is not a MISP event ({"Event": {"Attribute": [...]}})'));
      return { events, errors };
    }
    const attributes = [...((event.Attribute as Json[] | undefined) ?? []), ...((event.Object as Json[] | undefined) ?? []).flatMap((o) => (Array.isArray(o?.Attribute) ? (o.Attribute as Json[]) : []))];
    const base = this.#base(event);
    attributes.forEach((a, i) => this.#attribute(a, i + 1, base, events, errors));
    return { events, errors };
  }

  #base(event: Json): HarmonizedEvent {
    const ev: HarmonizedEvent = {};
    const tags = fromTags(tagNames(event));
    if (tags.tlp) ev.tlp = tags.tlp;
    if (tags.type) ev['classification.type'] = rsitType(tags.type) as string;
    if (typeof event.info === 'string') ev['event_description.text'] = event.info;
    const level = THREAT_LEVELS[String(event.threat_level_id)];
    if (level) ev['extra.misp_threat_level'] = level;
    if (typeof event.uuid === 'string') setField(ev, this.#events, 'misp.event_uuid', event.uuid);
    const time = epochSeconds(event.timestamp);
    if (time) ev['time.source'] = time;
    return ev;
  }

  #attribute(a: Json, line: number, base: HarmonizedEvent, events: ParsedEvent[], errors: LineError[]): void {
    const fields = ATTRIBUTE_FIELDS[String(a?.type)];
    if (!fields || a.deleted === true || (this.#config.onlyToIds && a.to_ids !== true)) return;
    const values = fields.length > 1 ? String(a.value).split('|') : [String(a.value)];
    const ev: HarmonizedEvent = { ...base };
    const tags = fromTags(tagNames(a));
    if (tags.tlp) ev.tlp = tags.tlp;
    if (tags.type) ev['classification.type'] = rsitType(tags.type) as string;
    const time = epochSeconds(a.timestamp);
    if (time) ev['time.source'] = time;
    let problem: FieldProblem | null = setField(ev, this.#events, 'time.source', ev['time.source']);
    if (typeof a.uuid === 'string') problem ??= setField(ev, this.#events, 'misp.attribute_uuid', a.uuid);
    if (typeof a.comment === 'string' && a.comment !== '') ev.comment = a.comment;
    fields.forEach((f, k) => (problem ??= setField(ev, this.#events, f, values[k])));
    problem ??= this.#events.finish(ev, this.#events.keepRaw ? rawOf(a) : null);
    if (problem === null) events.push({ line, event: ev });
    else errors.push(fieldError(line, String(a.value).slice(0, 200), problem.field, problem));
  }
}
