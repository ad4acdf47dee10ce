import type { FeedIdentity, HarmonizedEvent, LineError, ParsedChunk, ParsedEvent, RawChunk } from '../pipeline.types.ts';
import type { CsvConfig, FieldSpecConfig } from './config.schema.ts';
import { splitCsvLine } from './csv-line.ts';
import { EventFactory, fieldError, lineError } from './event.ts';
import { columnValue, makeColumn, type Column } from './csv-columns.ts';
import { Invalid } from './invalid.ts';
import { chunkBuffer, forEachLine } from './lines.ts';
import { reportError } from './report-error.ts';
import type { ParseContext, Parser } from './parser.types.ts';
import type { Validator } from './validate.ts';

/**
 * A header compiled against the mapping: which field each column feeds, and the event template
 * (every field the event may get, value undefined) each event is cloned from.
 */
type Plan = { width: number; columns: Column[]; extras: [number, string][]; template: HarmonizedEvent };

const DELIMITERS = [',', ';', '\t', '|'];

function normalizeName(s: string): string {
  return s.trim().toLowerCase();
}

function specs(value: FieldSpecConfig | FieldSpecConfig[]): Exclude<FieldSpecConfig, string>[] {
  return (Array.isArray(value) ? value : [value]).map((s) => (typeof s === 'string' ? { field: s, optional: false, onInvalid: 'error' as const } : s));
}

function missingColumns(config: CsvConfig, names: string[]): string[] {
  const have = new Set(names.map(normalizeName));
  return Object.entries(config.mapping)
    .filter(([column, spec]) => !have.has(normalizeName(column)) && specs(spec).some((s) => !s.optional))
    .map(([column]) => column);
}

function delimiterHint(config: CsvConfig, header: string): string | undefined {
  for (const d of DELIMITERS) {
    if (d === config.delimiter) continue;
    const names = splitCsvLine(header, d, config.quote);
    if (names && names.length > 1 && missingColumns(config, names).length === 0) {
      return `the header matches the mapping with delimiter ${JSON.stringify(d)}; set "delimiter": ${JSON.stringify(d)}`;
    }
  }
  return undefined;
}

/** The CSV parser: a declarative column mapping, RFC 4180 quoting, one record per line. */
export class CsvParser implements Parser {
  readonly format = 'csv' as const;
  readonly #config: CsvConfig;
  readonly #events: EventFactory;
  #plan: { header: string | null; plan: Plan } | null = null;

  constructor(config: CsvConfig, feed: FeedIdentity) {
    this.#config = config;
    this.#events = new EventFactory(config, feed);
  }

  get chunking() {
    return { header: this.#config.header, maxLineBytes: this.#config.maxLineBytes };
  }

  /** Checks a report's header row against the mapping (null when it fits). */
  checkHeader(header: string | null | undefined): { code: string; message: string; hint?: string } | null {
    try {
      this.#planFor(header);
      return null;
    } catch (e) {
      const err = e as { code: string; message: string; details?: { hint?: string } };
      return { code: err.code, message: err.message, ...(err.details?.hint ? { hint: err.details.hint } : {}) };
    }
  }

  #planFor(header: string | null | undefined): Plan {
    const key = header ?? null;
    if (this.#plan !== null && this.#plan.header === key) return this.#plan.plan;
    const plan = this.#compile(key);
    this.#plan = { header: key, plan };
    return plan;
  }

  #compile(header: string | null): Plan {
    const c = this.#config;
    let names = c.columns ?? [];
    if (c.header) {
      if (header === null) throw reportError('csv.header_mismatch', 'The report has no header row, and the feed expects one');
      names = splitCsvLine(header, c.delimiter, c.quote) ?? [header];
      const missing = missingColumns(c, names);
      if (missing.length > 0) {
        const message = `The header lacks the mapped column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (delimiter ${JSON.stringify(c.delimiter)})`;
        throw reportError('csv.header_mismatch', message, delimiterHint(c, header));
      }
    }
    return this.#planColumns(names);
  }

  #planColumns(names: string[]): Plan {
    const index = new Map(names.map((n, i) => [normalizeName(n), i] as const));
    const columns: Column[] = [];
    const mapped = new Set<number>();
    for (const [column, value] of Object.entries(this.#config.mapping)) {
      const i = index.get(normalizeName(column));
      if (i === undefined) continue;
      mapped.add(i);
      for (const s of specs(value)) columns.push(makeColumn(i, s.field, this.#events.validator(s.field) as Validator, s));
    }
    const extras: [number, string][] = [];
    if (this.#config.unmapped === 'extra') {
      names.forEach((n, i) => {
        if (!mapped.has(i) && n.trim() !== '') extras.push([i, `extra.${normalizeName(n).replace(/\s+/g, '_')}`]);
      });
    }
    const keys = new Set([...columns.map((col) => col.field), ...extras.map(([, name]) => name), ...this.#events.shapeKeys()]);
    // A fast-properties object (keyed stores of ~20 fields one by one would give a dictionary).
    const template = Object.fromEntries([...keys].map((k) => [k, undefined])) as unknown as HarmonizedEvent;
    return { width: names.length, columns, extras, template };
  }

  /** Parses a chunk; throws `csv.header_mismatch` when the report's header does not fit the mapping. */
  parseChunk(chunk: RawChunk, ctx: ParseContext): ParsedChunk {
    const plan = this.#planFor(ctx.header);
    const c = this.#config;
    const events: ParsedEvent[] = [];
    const errors: LineError[] = [];
    this.#events.begin(ctx.observedAt);
    const buf = chunkBuffer(chunk);
    forEachLine(buf, chunk.firstLine, c.encoding, (text, line, start, end) => {
      const fields = splitCsvLine(text, c.delimiter, c.quote);
      if (fields === null) {
        errors.push(lineError(line, text, 'csv.unbalanced_quote', `Line ${line} has a quoted field that does not end on the line (a cut record?)`));
        return;
      }
      if (fields.length !== plan.width) {
        errors.push(lineError(line, text, 'csv.field_count', `Line ${line} has ${fields.length} fields, the header ${plan.width}`));
        return;
      }
      const ev = this.#build(plan, fields, line, text, errors);
      if (ev === null) return;
      const problem = this.#events.finish(ev, this.#events.keepRaw ? buf.toString('base64', start, end) : null);
      if (problem !== null) errors.push(fieldError(line, text, problem.field, problem));
      else events.push({ line, event: ev });
    }, errors);
    return { events, errors };
  }

  #build(plan: Plan, fields: string[], line: number, text: string, errors: LineError[]): HarmonizedEvent | null {
    const ev: HarmonizedEvent = { ...plan.template };
    const columns = plan.columns;
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c]!;
      let value: string | undefined = fields[col.index] as string;
      if (col.map !== null) value = col.map.get(value) ?? col.map.get(normalizeName(value)) ?? (col.fallback ?? value);
      if (value === '') value = col.fallback;
      if (value === undefined || value === '') continue;
      const v = columnValue(col, value);
      if (v instanceof Invalid) {
        if (col.lenient) {
          ev[`extra.invalid.${col.field}`] = value;
          continue;
        }
        errors.push(fieldError(line, text, col.field, v));
        return null;
      }
      ev[col.field] = v;
    }
    for (const [i, name] of plan.extras) {
      const value = (fields[i] as string).trim();
      if (value !== '') ev[name] = value;
    }
    return ev;
  }
}
