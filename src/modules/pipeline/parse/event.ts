import type { EventValue, FeedIdentity, HarmonizedEvent, LineError } from '../pipeline.types.ts';
import { FIELD_TYPES, isExtraField } from './fields.ts';
import { Invalid } from './invalid.ts';
import { excerptLine } from './lines.ts';
import { classify } from '../../../platform/rsit.ts';
import { createTimeParser, formatTime, type TimeOptions } from './timestamp.ts';
import { normalizeTlp, validatorFor, type Validator } from './validate.ts';

/** Fields the experts may add to an event (ASN expert, constituency enrichment). */
const EXPERT_FIELDS = ['source.asn', 'source.as_name', 'source.geolocation.cc', 'source.abuse_contact'];

/** A field that failed validation: the Invalid plus the field's name. */
export type FieldProblem = { field: string; code: string; message: string };

/** What every parser needs to finish events: field validators, constants, feed identity, defaults. */
export type EventSettings = {
  time?: TimeOptions | undefined;
  futureToleranceSeconds: number;
  constants: Readonly<Record<string, string | number | boolean>>;
  raw: boolean;
  requireOneOf?: readonly string[] | undefined;
};

/**
 * Field validation and event finishing for one parser. `begin(observedAt)` once per chunk; then
 * `validator(name)` for each field and `finish(event, raw)` for each event.
 */
export class EventFactory {
  readonly #validators = new Map<string, Validator | null>();
  readonly #parseTime;
  readonly #toleranceMs: number;
  readonly #feed: [string, EventValue][];
  readonly #tlp: string;
  readonly #constants: [string, EventValue][] = [];
  readonly keepRaw: boolean;
  readonly #required: readonly string[];
  #limitMs = 0;
  #observation = '';

  constructor(settings: EventSettings, feed: FeedIdentity) {
    this.#parseTime = createTimeParser(settings.time);
    this.#toleranceMs = settings.futureToleranceSeconds * 1000;
    this.keepRaw = settings.raw;
    this.#required = settings.requireOneOf ?? [];
    this.#feed = [['feed.name', feed.name]];
    if (feed.provider !== undefined) this.#feed.push(['feed.provider', feed.provider]);
    if (feed.accuracy !== undefined) this.#feed.push(['feed.accuracy', feed.accuracy]);
    if (feed.code !== undefined) this.#feed.push(['feed.code', feed.code]);
    this.#tlp = normalizeTlp(feed.tlp ?? 'AMBER') ?? 'AMBER';
    for (const [name, value] of Object.entries(settings.constants)) {
      const v = this.validator(name)?.(value);
      // The config schema has validated constants already; a bad one here is a programming error.
      if (v === undefined || v instanceof Invalid) throw new Error(`constant ${name}: ${v?.message ?? 'not a field'}`);
      this.#constants.push([name, v]);
    }
  }

  /**
   * The fields `finish` may set, in order, plus those the experts may add: parsers that build events
   * from a template with all of them (value undefined) give every event one fixed, fast shape.
   */
  shapeKeys(): string[] {
    const keys = [...this.#constants.map(([name]) => name), 'classification.taxonomy', 'classification.type', 'tlp', ...this.#feed.map(([name]) => name), 'time.observation'];
    if (this.keepRaw) keys.push('raw');
    return [...keys, ...EXPERT_FIELDS];
  }

  /** Starts a chunk: times are checked against this observation time. */
  begin(observedAt: Date): void {
    this.#limitMs = observedAt.getTime() + this.#toleranceMs;
    this.#observation = formatTime(observedAt.getTime());
  }

  /** The validator of a field (time fields parse with the feed's format and zone), or null if it is not a field. */
  validator(name: string): Validator | null {
    let v = this.#validators.get(name);
    if (v === undefined) {
      v = this.#make(name);
      this.#validators.set(name, v);
    }
    return v;
  }

  #make(name: string): Validator | null {
    if (isExtraField(name)) return (raw) => raw as EventValue;
    const type = FIELD_TYPES.get(name);
    if (type === undefined) return null;
    if (type !== 'time') return validatorFor(type);
    const isSource = name === 'time.source';
    // Reports list many events per second: the last text and its result are kept (per chunk).
    let lastRaw: unknown;
    let lastValue: EventValue | Invalid = '';
    let epoch = -1;
    return (raw) => {
      if (raw === lastRaw && epoch === this.#limitMs && typeof raw === 'string') return lastValue;
      const ms = this.#parseTime(raw);
      let value: EventValue | Invalid;
      if (ms instanceof Invalid) value = ms;
      else if (isSource && ms > this.#limitMs) value = new Invalid('time.future', `${formatTime(ms)} is later than ${this.#observation} plus the feed's tolerance`);
      else value = formatTime(ms);
      lastRaw = raw;
      lastValue = value;
      epoch = this.#limitMs;
      return value;
    };
  }

  /**
   * Completes an event: constants where the line gave no value, classification (taxonomy from
   * type, `undetermined` when missing), TLP, feed.*, time.observation and raw (when kept).
   */
  finish(ev: HarmonizedEvent, raw: string | null): FieldProblem | null {
    if (this.#required.length > 0 && !this.#required.some((f) => ev[f] !== undefined)) {
      return { field: this.#required.join('|'), code: 'event.missing_field', message: `the event needs ${this.#required.join(' or ')}` };
    }
    for (const [name, value] of this.#constants) if (ev[name] === undefined) ev[name] = value;
    const c = classify(ev['classification.taxonomy'] as string | undefined, ev['classification.type'] as string | undefined);
    if (c === null) return { field: 'classification.type', code: 'field.invalid_type', message: 'The classification is not in the RSIT taxonomy' };
    ev['classification.taxonomy'] = c.taxonomy;
    ev['classification.type'] = c.type;
    if (ev.tlp === undefined) ev.tlp = this.#tlp;
    for (const [name, value] of this.#feed) ev[name] = value;
    ev['time.observation'] = this.#observation;
    if (raw !== null && this.keepRaw && ev.raw === undefined) ev.raw = raw;
    return null;
  }
}

/** Builds a LineError for a line (or object) of a report. */
export function lineError(line: number, text: string, code: string, message: string, field?: string): LineError {
  return field === undefined ? { line, code, message, excerpt: excerptLine(text) } : { line, code, field, message, excerpt: excerptLine(text) };
}

/** Builds the LineError of a field that failed validation. */
export function fieldError(line: number, text: string, field: string, problem: Invalid | FieldProblem): LineError {
  return { line, code: problem.code, field, message: `${field}: ${problem.message}`, excerpt: excerptLine(text) };
}
