import { z } from '@hono/zod-openapi';
import { maskSecretHeaders } from './feed-secrets.ts';
import type { FeedRow } from './pipeline.tables.ts';

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

export const FEED_KINDS = ['http', 'drop', 'push', 'misp'] as const;
export const FEED_FORMATS = ['csv', 'jsonl', 'list', 'intelmq', 'stix', 'misp'] as const;
export const TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;

/** A feed name is also its drop directory name: lower-case letters, digits, `.`, `_`, `-`. */
export const FeedName = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1-64 characters: a-z, 0-9, ".", "_" or "-", starting with a letter or digit');

const Headers = z
  .record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'must be an HTTP header name'), z.string().max(4000).regex(/^[^\r\n]*$/, 'must be one line'))
  .refine((h) => Object.keys(h).length <= 20, 'at most 20 headers');

/** Collector settings of a pulled feed (http, misp). */
export const PullConfig = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2000),
    headers: Headers.default({}),
    /** Headers that carry credentials: stored sealed, shown masked (feed-secrets.ts). */
    secretHeaders: Headers.optional(),
    maxBytes: z.number().int().min(KIB).max(16 * GIB).default(2 * GIB),
    timeoutMs: z.number().int().min(100).max(6 * 3600_000).default(30 * 60_000),
    idleTimeoutMs: z.number().int().min(100).max(600_000).default(60_000),
    maxRedirects: z.number().int().min(0).max(10).default(5),
    /** MISP feeds only: event files taken per run. */
    maxEventsPerRun: z.number().int().min(1).max(10_000).default(500),
  })
  .strict();
export type PullConfigT = z.infer<typeof PullConfig>;

/** Settings of a push or drop feed. */
export const LocalConfig = z.object({ maxBytes: z.number().int().min(KIB).max(16 * GIB).default(2 * GIB) }).strict();
export type LocalConfigT = z.infer<typeof LocalConfig>;

const JsonObject = z.record(z.string(), z.unknown());

const feedFields = {
  kind: z.enum(FEED_KINDS),
  format: z.enum(FEED_FORMATS),
  config: JsonObject.default({}).openapi({ description: 'http/misp: { url, headers, secretHeaders (API keys: stored encrypted, shown as ********; sending ******** back keeps one), maxBytes, timeoutMs, idleTimeoutMs, maxRedirects, maxEventsPerRun }; push/drop: { maxBytes }' }),
  parser: JsonObject.default({}).openapi({ description: 'Parser options of the format (column mapping, delimiter, defaults ...)' }),
  rules: JsonObject.default({}).openapi({ description: 'Filter, rewrite and auto-incident rules: { defaults, rules, incidents }' }),
  dedup: JsonObject.default({}).openapi({ description: 'Deduplication key fields and window' }),
  scheduleSeconds: z.number().int().min(60).max(30 * 86400).nullable().default(null).openapi({ description: 'Pull interval of http/misp feeds' }),
  isEnabled: z.boolean().default(true),
  tlp: z.enum(TLPS).default('amber'),
  provider: z.string().trim().min(1).max(200).nullable().default(null),
  accuracy: z.number().int().min(0).max(100).nullable().default(null),
  code: z.string().trim().min(1).max(100).nullable().default(null),
};

export const CreateFeedRequest = z.object({ name: FeedName, ...feedFields }).strict().openapi('CreateFeedRequest');
export type CreateFeedT = z.infer<typeof CreateFeedRequest>;

export const UpdateFeedRequest = z
  .object({
    version: z.number().int().min(1),
    name: FeedName.optional(),
    format: feedFields.format.optional(),
    config: JsonObject.optional(),
    parser: JsonObject.optional(),
    rules: JsonObject.optional(),
    dedup: JsonObject.optional(),
    scheduleSeconds: feedFields.scheduleSeconds.removeDefault().optional(),
    isEnabled: z.boolean().optional(),
    tlp: z.enum(TLPS).optional(),
    provider: z.string().trim().min(1).max(200).nullable().optional(),
    accuracy: z.number().int().min(0).max(100).nullable().optional(),
    code: z.string().trim().min(1).max(100).nullable().optional(),
  })
  .strict()
  .openapi('UpdateFeedRequest');
export type UpdateFeedT = z.infer<typeof UpdateFeedRequest>;

export const FeedSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(FEED_KINDS),
    format: z.enum(FEED_FORMATS),
    config: JsonObject,
    parser: JsonObject,
    rules: JsonObject,
    dedup: JsonObject,
    scheduleSeconds: z.number().nullable(),
    isEnabled: z.boolean(),
    tlp: z.enum(TLPS),
    provider: z.string().nullable(),
    accuracy: z.number().nullable(),
    code: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    status: z.object({
      lastRunAt: z.iso.datetime().nullable(),
      lastResult: z.string().nullable(),
      lastError: z.string().nullable(),
      reports: z.number(),
      events: z.number(),
      errors: z.number(),
      lastReportAt: z.iso.datetime().nullable(),
      lastReportEventsPerSec: z.number().nullable(),
    }),
  })
  .openapi('Feed');
export type FeedT = z.infer<typeof FeedSchema>;

export const FeedList = z.object({ items: z.array(FeedSchema) }).openapi('FeedList');

export const FeedErrorSchema = z
  .object({ id: z.number(), reportId: z.uuid().nullable(), line: z.number().nullable(), code: z.string(), field: z.string().nullable(), message: z.string(), excerpt: z.string().nullable(), createdAt: z.iso.datetime() })
  .openapi('FeedError');
export const FeedErrorList = z.object({ items: z.array(FeedErrorSchema), nextCursor: z.string().nullable() }).openapi('FeedErrorList');

export const PushResult = z
  .object({ reportId: z.uuid(), duplicate: z.boolean(), sha256: z.string(), bytes: z.number(), lines: z.number(), chunks: z.number() })
  .openapi('StoredReport');
export type PushResultT = z.infer<typeof PushResult>;

export const ReportSchema = z
  .object({
    id: z.uuid(), sha256: z.string().nullable(), bytes: z.number(), lines: z.number(), chunks: z.number(), state: z.string(), source: z.string(), sourceRef: z.string().nullable(),
    events: z.number(), errors: z.number(), receivedAt: z.iso.datetime(), storedAt: z.iso.datetime().nullable(), finishedAt: z.iso.datetime().nullable(),
    deadChunks: z.number().optional(),
  })
  .openapi('FeedReport');
export const ReportList = z.object({ items: z.array(ReportSchema) }).openapi('FeedReportList');

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The API shape of a feed row. */
export function toFeed(r: FeedRow): FeedT {
  return {
    id: r.id, name: r.name, kind: r.kind, format: r.format as FeedT['format'], config: maskSecretHeaders(r.config as Record<string, unknown>), parser: r.parser as Record<string, unknown>,
    rules: r.rules as Record<string, unknown>, dedup: r.dedup as Record<string, unknown>, scheduleSeconds: r.schedule_seconds, isEnabled: r.is_enabled, tlp: r.tlp as FeedT['tlp'],
    provider: r.provider, accuracy: r.accuracy, code: r.code, version: r.version, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
    status: {
      lastRunAt: iso(r.last_run_at), lastResult: r.last_result, lastError: r.last_error, reports: Number(r.reports_total), events: Number(r.events_total),
      errors: Number(r.errors_total), lastReportAt: iso(r.last_report_at), lastReportEventsPerSec: r.last_report_events_per_sec,
    },
  };
}
