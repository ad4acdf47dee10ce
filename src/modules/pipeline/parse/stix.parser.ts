import type { FeedIdentity, HarmonizedEvent, LineError, ParsedChunk, ParsedEvent, RawChunk } from '../pipeline.types.ts';
import type { StixConfig } from './config.schema.ts';
import { parseDocument, rawOf } from './document.ts';
import { EventFactory, fieldError, lineError } from './event.ts';
import { setField } from './json-record.ts';
import type { ParseContext, Parser } from './parser.types.ts';
import { fieldOfPath, parsePattern, type Comparison } from './stix-pattern.ts';

type StixObject = Record<string, unknown> & { type?: unknown; id?: unknown };

// TLP marking-definition ids (STANDARDS.md): TLP 2.0 extension, TLP 1.0 core, one platform's AMBER+STRICT.
const TLP_MARKINGS: Record<string, string> = {
  'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487': 'CLEAR',
  'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb': 'GREEN',
  'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421': 'AMBER',
  'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003': 'AMBER+STRICT',
  'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1': 'RED',
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'CLEAR',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'GREEN',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'AMBER',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'RED',
  'marking-definition--826578e1-40ad-459f-bc73-ede076f81f37': 'AMBER+STRICT',
};

/** indicator_types -> RSIT type (or alias); a feed's `indicatorTypes` overrides these. */
const INDICATOR_TYPES: Record<string, string> = {
  'malicious-activity': 'blacklist',
  compromised: 'system-compromise',
  anonymization: 'tor',
  attribution: 'other',
  'anomalous-activity': 'undetermined',
  unknown: 'undetermined',
};

const SCO_TYPES = new Set(['ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'email-addr', 'file']);

function comparisonsOfSco(o: StixObject): Comparison[] {
  if (o.type === 'file') {
    const hashes = (o.hashes ?? {}) as Record<string, unknown>;
    return Object.entries(hashes).map(([algo, value]) => ({ objectType: 'file', path: `hashes.'${algo}'`, value: String(value) }));
  }
  return typeof o.value === 'string' ? [{ objectType: o.type as string, path: 'value', value: o.value }] : [];
}

/**
 * STIX 2.1 bundles: indicators with simple patterns (equality, OR) and observable SCOs become
 * events; `line` is the object's 1-based position in `objects`. An unsupported pattern is an
 * error of its object, not of the bundle. The bundle is one document (`maxDocumentBytes`).
 */
export class StixParser implements Parser {
  readonly format = 'stix' as const;
  readonly #config: StixConfig;
  readonly #events: EventFactory;
  readonly #types: Record<string, string>;

  constructor(config: StixConfig, feed: FeedIdentity) {
    this.#config = config;
    this.#events = new EventFactory(config, feed);
    this.#types = { ...INDICATOR_TYPES, ...config.indicatorTypes };
  }

  get chunking() {
    return { document: true, maxDocumentBytes: this.#config.maxDocumentBytes };
  }

  checkHeader(): null {
    return null;
  }

  /** Parses a whole bundle (the report's only chunk). */
  parseChunk(chunk: RawChunk, ctx: ParseContext): ParsedChunk {
    const events: ParsedEvent[] = [];
    const errors: LineError[] = [];
    this.#events.begin(ctx.observedAt);
    const doc = parseDocument(chunk, this.#config.encoding, errors) as { type?: unknown; objects?: unknown } | null;
    if (doc === null) return { events, errors };
    const objects = doc.type === 'bundle' && Array.isArray(doc.objects) ? (doc.objects as StixObject[]) : null;
    if (objects === null) {
      errors.push(lineError(1, '', 'stix.not_bundle', 'The document is not a STIX 2.1 bundle (type "bundle" with objects)'));
      return { events, errors };
    }
    objects.forEach((o, i) => this.#object(o, i + 1, events, errors));
    return { events, errors };
  }

  #object(o: StixObject, line: number, events: ParsedEvent[], errors: LineError[]): void {
    if (typeof o !== 'object' || o === null) return;
    let comparisons: Comparison[];
    if (o.type === 'indicator') {
      const parsed = parsePattern(typeof o.pattern === 'string' ? o.pattern : '');
      if (!Array.isArray(parsed)) {
        errors.push(lineError(line, String(o.pattern ?? ''), 'stix.unsupported_pattern', `${String(o.id)}: ${parsed.unsupported}`, 'pattern'));
        return;
      }
      comparisons = parsed;
    } else if (SCO_TYPES.has(o.type as string)) comparisons = comparisonsOfSco(o);
    else return;
    const types = Array.isArray(o.indicator_types) ? (o.indicator_types as string[]) : [];
    if (types.includes('benign')) return;
    for (const c of comparisons) {
      const field = fieldOfPath(c.objectType, c.path, c.value);
      if (field === null) {
        errors.push(lineError(line, `${c.objectType}:${c.path}`, 'stix.unsupported_pattern', `${String(o.id)}: ${c.objectType}:${c.path} is not supported`, 'pattern'));
        continue;
      }
      const ev = this.#base(o, types);
      const problem = setField(ev, this.#events, field, c.value) ?? this.#events.finish(ev, this.#events.keepRaw ? rawOf(o) : null);
      if (problem === null) events.push({ line, event: ev });
      else errors.push(fieldError(line, c.value, problem.field, problem));
    }
  }

  #base(o: StixObject, types: string[]): HarmonizedEvent {
    const ev: HarmonizedEvent = { 'extra.stix_id': String(o.id) };
    const type = types.map((t) => this.#types[t]).find((t) => t !== undefined);
    if (type !== undefined) ev['classification.type'] = type;
    const text = typeof o.name === 'string' ? o.name : typeof o.description === 'string' ? o.description : undefined;
    if (text !== undefined) ev['event_description.text'] = text;
    const time = o.valid_from ?? o.modified ?? o.created;
    if (typeof time === 'string') setField(ev, this.#events, 'time.source', time);
    const refs = Array.isArray(o.object_marking_refs) ? (o.object_marking_refs as string[]) : [];
    const tlp = refs.map((r) => TLP_MARKINGS[r]).find((t) => t !== undefined);
    if (tlp !== undefined) ev.tlp = tlp;
    return ev;
  }
}
