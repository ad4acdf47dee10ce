import { z } from 'zod';
import { FIELD_TYPES, isKnownField } from './fields.ts';
import { Invalid } from './invalid.ts';
import { rsitType } from '../../../platform/rsit.ts';
import { timeFormatProblem } from './timestamp.ts';
import { parseDeclaredZone } from './zone.ts';
import { validatorFor } from './validate.ts';

const MIB = 1024 * 1024;

const FieldName = z.string().refine(isKnownField, { message: 'not an IntelMQ field (e.g. source.ip, classification.type) nor extra.<name>' });

const Constant = z.union([z.string(), z.number(), z.boolean()]);

/** Checks a value against a field's type; returns the problem or null (time fields are not checked here). */
function valueProblem(field: string, value: unknown): string | null {
  const type = FIELD_TYPES.get(field);
  if (type === undefined || type === 'time') return null;
  const v = validatorFor(type)(value);
  return v instanceof Invalid ? v.message : null;
}

const Constants = z.record(FieldName, Constant).default({}).superRefine((constants, ctx) => {
  for (const [field, value] of Object.entries(constants)) {
    const problem = valueProblem(field, value);
    if (problem !== null) ctx.addIssue({ code: 'custom', path: [field], message: problem });
  }
});

const TimeSettings = z
  .object({
    format: z.string().default('iso8601').refine((f) => timeFormatProblem(f) === null, { message: 'expected iso8601, epoch, epoch_ms or a pattern such as %Y-%m-%d %H:%M:%S' }),
    zone: z.string().refine((s) => parseDeclaredZone(s) !== null, { message: 'expected UTC, an offset such as +03:00 or an IANA zone such as Europe/Amsterdam' }).optional(),
  })
  .default({ format: 'iso8601' });

/** Settings every format shares. */
const common = {
  encoding: z.enum(['utf-8', 'latin1', 'auto']).default('utf-8'),
  raw: z.boolean().default(false),
  futureToleranceSeconds: z.number().int().min(0).max(7 * 86400).default(3600),
  maxLineBytes: z.number().int().min(1024).max(16 * MIB).default(MIB),
  constants: Constants,
  time: TimeSettings,
  /** An event must carry at least one of these fields (e.g. source.ip, source.fqdn), else `event.missing_field`. */
  requireOneOf: z.array(FieldName).default([]),
};

/** Where one source column (CSV) or key path (JSON Lines) goes, with an optional value map. */
const FieldSpec = z.union([
  FieldName,
  z
    .object({
      field: FieldName,
      map: z.record(z.string(), z.string()).optional(),
      default: z.string().optional(),
      optional: z.boolean().default(false),
      /** `skip`: an invalid value is dropped (kept as extra.invalid.<field>) instead of rejecting the line. */
      onInvalid: z.enum(['error', 'skip']).default('error'),
    })
    .strict()
    .superRefine((spec, ctx) => {
      for (const [from, to] of Object.entries(spec.map ?? {})) {
        const problem = valueProblem(spec.field, to);
        if (problem !== null) ctx.addIssue({ code: 'custom', path: ['map', from], message: problem });
      }
    }),
]);

const Mapping = z.record(z.string().min(1), z.union([FieldSpec, z.array(FieldSpec).min(1)]));

const Csv = z
  .object({
    format: z.literal('csv'),
    delimiter: z.string().length(1).default(','),
    quote: z.string().length(1).default('"'),
    header: z.boolean().default(true),
    columns: z.array(z.string().min(1)).optional(),
    mapping: Mapping,
    unmapped: z.enum(['ignore', 'extra']).default('ignore'),
    ...common,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!c.header && !c.columns) ctx.addIssue({ code: 'custom', path: ['columns'], message: 'required when the file has no header row' });
    if (c.delimiter === c.quote) ctx.addIssue({ code: 'custom', path: ['quote'], message: 'must differ from the delimiter' });
    if (c.columns) {
      for (const column of Object.keys(c.mapping)) {
        if (!c.columns.includes(column)) ctx.addIssue({ code: 'custom', path: ['mapping', column], message: 'not one of the columns' });
      }
    }
  });

const Jsonl = z
  .object({
    format: z.literal('jsonl'),
    mapping: Mapping.default({}),
    unmapped: z.enum(['ignore', 'extra', 'fields']).default('fields'),
    ...common,
  })
  .strict();

const List = z
  .object({
    format: z.literal('list'),
    kind: z.enum(['auto', 'ip', 'domain', 'url']).default('auto'),
    ...common,
  })
  .strict();

const Intelmq = z.object({ format: z.literal('intelmq'), ...common }).strict();

const documentCap = z.number().int().min(1024).max(512 * MIB).default(64 * MIB);

const Stix = z
  .object({
    format: z.literal('stix'),
    maxDocumentBytes: documentCap,
    indicatorTypes: z.record(z.string(), z.string().refine((t) => rsitType(t) !== null, { message: 'not an RSIT type' })).default({}),
    ...common,
  })
  .strict();

const Misp = z
  .object({
    format: z.literal('misp'),
    maxDocumentBytes: documentCap,
    onlyToIds: z.boolean().default(false),
    ...common,
  })
  .strict();

/** A feed's parser configuration: one shape per format, told apart by `format`. */
export const ParserConfigSchema = z.discriminatedUnion('format', [Csv, Jsonl, List, Intelmq, Stix, Misp]);

export type ParserConfig = z.output<typeof ParserConfigSchema>;
export type ParserConfigInput = z.input<typeof ParserConfigSchema>;
export type CsvConfig = Extract<ParserConfig, { format: 'csv' }>;
export type JsonlConfig = Extract<ParserConfig, { format: 'jsonl' }>;
export type ListConfig = Extract<ParserConfig, { format: 'list' }>;
export type IntelmqConfig = Extract<ParserConfig, { format: 'intelmq' }>;
export type StixConfig = Extract<ParserConfig, { format: 'stix' }>;
export type MispConfig = Extract<ParserConfig, { format: 'misp' }>;
export type FieldSpecConfig = z.output<typeof FieldSpec>;

/**
 * Validates a parser configuration. On failure the issues carry the path at fault
 * (`mapping.ip.field`, `constants.classification.type`, ...), ready for a `validation.failed` answer.
 */
export function validateParserConfig(input: unknown): { ok: true; config: ParserConfig } | { ok: false; issues: { path: string; message: string }[] } {
  const r = ParserConfigSchema.safeParse(input);
  if (r.success) return { ok: true, config: r.data };
  return { ok: false, issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) };
}
