/**
 * Declarative filter / rewrite rules and auto-incident rules, as a feed stores them (feeds.rules).
 * One zod schema per shape: validation (with exact error paths such as `rules.2.when.of.0.prefixes.3`),
 * the TypeScript types and the OpenAPI document.
 *
 * A condition tests an event field (IntelMQ name, e.g. `source.ip`) or the enrichment result
 * (`organization.id|name|sector|isCii|ciiCategory|found`). Combinators: all / any / not.
 */
import { z } from '@hono/zod-openapi';
import { AppError } from '../../../platform/errors.ts';
import { CIDR_INVALID, parseCidrInto } from '../../../platform/lookup-index/index.ts';
import { RSIT_TYPES } from '../../../platform/rsit.ts';

/** Enrichment fields a condition may test. */
export const ORGANIZATION_FIELDS = ['organization.id', 'organization.name', 'organization.sector', 'organization.isCii', 'organization.ciiCategory', 'organization.found'] as const;

const FIELD_NAME = /^[a-z][a-z0-9_]*(\.[A-Za-z0-9_-]+)*$/;
const Field = z
  .string()
  .max(100)
  .regex(FIELD_NAME, 'must be a dotted field name such as source.ip')
  .refine((f) => !f.startsWith('organization.') || (ORGANIZATION_FIELDS as readonly string[]).includes(f), {
    message: `organization fields are ${ORGANIZATION_FIELDS.join(', ')}`,
  });
/** An event field a rule may write (never the enrichment result). */
const WritableField = z
  .string()
  .max(100)
  .regex(FIELD_NAME, 'must be a dotted field name such as classification.type')
  .refine((f) => !f.startsWith('organization.'), { message: 'organization fields are read-only' });
const Scalar = z.union([z.string().max(2000), z.number(), z.boolean()]);

const isRegex = (s: string) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
};
const scratch = new Uint32Array(4);
const Cidr = z.string().refine((s) => parseCidrInto(s.trim(), scratch) !== CIDR_INVALID, { message: 'must be a CIDR prefix such as 10.0.0.0/8 or fc00::/7' });

const Eq = z.object({ op: z.literal('eq'), field: Field, value: Scalar }).strict();
const In = z.object({ op: z.literal('in'), field: Field, values: z.array(Scalar).min(1).max(10_000) }).strict();
const Exists = z.object({ op: z.literal('exists'), field: Field, value: z.boolean().default(true) }).strict();
const Regex = z
  .object({
    op: z.literal('regex'),
    field: Field,
    pattern: z.string().min(1).max(500).refine(isRegex, { message: 'is not a valid regular expression' }),
    ignoreCase: z.boolean().default(false),
  })
  .strict();
const CidrOp = z.object({ op: z.literal('cidr'), field: Field, prefixes: z.array(Cidr).min(1).max(100_000) }).strict();
const Range = z
  .object({ op: z.literal('range'), field: Field, min: z.number().optional(), max: z.number().optional() })
  .strict()
  .refine((r) => r.min !== undefined || r.max !== undefined, { message: 'give min, max or both' });
const Suffix = z.object({ op: z.literal('suffix'), field: Field, suffixes: z.array(z.string().min(1).max(253)).min(1).max(100_000) }).strict();

export type ConditionT =
  | z.infer<typeof Eq>
  | z.infer<typeof In>
  | z.infer<typeof Exists>
  | z.infer<typeof Regex>
  | z.infer<typeof CidrOp>
  | z.infer<typeof Range>
  | z.infer<typeof Suffix>
  | { op: 'all'; of: ConditionT[] }
  | { op: 'any'; of: ConditionT[] }
  | { op: 'not'; of: ConditionT };

const All: z.ZodType<{ op: 'all'; of: ConditionT[] }> = z.object({ op: z.literal('all'), of: z.array(z.lazy(() => Condition)).min(1).max(100) }).strict();
const Any: z.ZodType<{ op: 'any'; of: ConditionT[] }> = z.object({ op: z.literal('any'), of: z.array(z.lazy(() => Condition)).min(1).max(100) }).strict();
const Not: z.ZodType<{ op: 'not'; of: ConditionT }> = z.object({ op: z.literal('not'), of: z.lazy(() => Condition) }).strict();

const OPS = ['eq', 'in', 'exists', 'regex', 'cidr', 'range', 'suffix', 'all', 'any', 'not'] as const;
const BRANCH: Record<(typeof OPS)[number], z.ZodType> = { eq: Eq, in: In, exists: Exists, regex: Regex, cidr: CidrOp, range: Range, suffix: Suffix, all: All, any: Any, not: Not };

/**
 * A condition. Dispatching on `op` by hand (rather than a plain union) keeps error paths exact:
 * an unknown op is reported at `.op`, a bad value at its own path inside the chosen branch.
 */
export const Condition: z.ZodType<ConditionT, unknown> = z.unknown().transform((value, ctx) => {
  const op = typeof value === 'object' && value !== null ? (value as { op?: unknown }).op : undefined;
  const branch = typeof op === 'string' && (OPS as readonly string[]).includes(op) ? BRANCH[op as (typeof OPS)[number]] : null;
  if (!branch) {
    ctx.addIssue({ code: 'custom', path: ['op'], message: `op must be one of ${OPS.join(', ')}` });
    return z.NEVER;
  }
  const r = branch.safeParse(value);
  if (r.success) return r.data as ConditionT;
  for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', path: issue.path as (string | number)[], message: issue.message });
  return z.NEVER;
});

export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
const Tlp = z.preprocess((v) => (typeof v === 'string' ? (v.toUpperCase() === 'WHITE' ? 'CLEAR' : v.toUpperCase()) : v), z.enum(TLP_LEVELS));
const RsitType = z.string().refine((t) => RSIT_TYPES.includes(t), { message: 'is not an RSIT classification type' });

const SetAction = z
  .object({ action: z.literal('set'), field: WritableField, value: Scalar })
  .strict()
  .superRefine((a, ctx) => {
    if (a.field === 'classification.type' && !RSIT_TYPES.includes(String(a.value))) ctx.addIssue({ code: 'custom', path: ['value'], message: 'is not an RSIT classification type' });
  });
const MapAction = z
  .object({
    action: z.literal('map'),
    from: Field,
    to: WritableField,
    table: z.record(z.string().max(200), Scalar),
    default: Scalar.optional(),
    ignoreCase: z.boolean().default(true),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.to !== 'classification.type') return;
    for (const [k, v] of Object.entries(a.table)) if (!RSIT_TYPES.includes(String(v))) ctx.addIssue({ code: 'custom', path: ['table', k], message: 'is not an RSIT classification type' });
    if (a.default !== undefined && !RSIT_TYPES.includes(String(a.default))) ctx.addIssue({ code: 'custom', path: ['default'], message: 'is not an RSIT classification type' });
  });
export const Action = z.discriminatedUnion('action', [
  z.object({ action: z.literal('drop') }).strict(),
  SetAction,
  MapAction,
  z.object({ action: z.literal('tlp'), value: Tlp }).strict(),
]);
export type ActionT = z.infer<typeof Action>;

const RuleId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1-64 lowercase letters, digits, ".", "_" or "-"');

/** A filter / rewrite rule: when the condition holds (or always, without one), apply the actions in order. */
export const Rule = z
  .object({
    id: RuleId,
    description: z.string().max(500).optional(),
    when: Condition.optional(),
    then: z.array(Action).min(1).max(50),
  })
  .strict()
  .openapi('PipelineRule');
export type RuleT = z.infer<typeof Rule>;

/** An auto-incident rule: events matching `when` (with an owner) become one incident intent per organization per batch. */
export const IncidentRule = z
  .object({
    id: RuleId,
    when: Condition,
    severity: z.enum(['critical', 'high', 'medium', 'low']),
    type: RsitType,
    /** Placeholders: {organization}, {sector}, {count}, {rule} and any event field of the first event, e.g. {source.ip}. */
    title: z.string().min(1).max(300),
  })
  .strict()
  .openapi('PipelineIncidentRule');
export type IncidentRuleT = z.infer<typeof IncidentRule>;

/** What a feed stores in `feeds.rules`. `defaults: false` turns off the built-in rules (drop of non-public sources, CII compromised-host incident). */
export const FeedRules = z
  .object({
    defaults: z.boolean().default(true),
    rules: z.array(Rule).max(500).default([]),
    incidents: z.array(IncidentRule).max(100).default([]),
  })
  .strict()
  .openapi('PipelineFeedRules');
export type FeedRulesT = z.infer<typeof FeedRules>;

/** What a feed stores in `feeds.dedup`. */
export const DedupConfig = z
  .object({
    fields: z.array(Field).min(1).max(30).optional(),
    windowHours: z.number().min(0).max(24 * 90).default(24),
  })
  .strict()
  .openapi('PipelineDedupConfig');
export type DedupConfigT = z.infer<typeof DedupConfig>;

/**
 * Validates a feed's rules document (`feeds.rules`); 400 `pipeline.rules_invalid` with
 * `{ issues: [{ path, message }] }`, the path pointing at the offending element.
 */
export function parseFeedRules(input: unknown): FeedRulesT {
  const r = FeedRules.safeParse(input ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
  throw new AppError('pipeline.rules_invalid', `The rules are not valid: ${issues[0]?.path}: ${issues[0]?.message}`, 400, { issues });
}
