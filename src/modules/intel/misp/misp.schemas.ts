import { z } from '@hono/zod-openapi';
import { ImportResultSchema } from '../intel.schemas.ts';

const url = z.string().trim().max(2000).refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http(s) URL');

const fields = {
  partnerId: z.uuid().openapi({ description: 'The partner that publishes the feed: its events are stored with source partner:<id>' }),
  name: z.string().trim().min(1).max(200),
  url: url.openapi({ description: 'The feed directory (manifest.json and <uuid>.json under it)' }),
  intervalSeconds: z.number().int().min(60).max(604_800),
  maxEventsPerRun: z.number().int().min(1).max(10_000),
  enabled: z.boolean(),
};

export const MispFeedInput = z
  .object({ ...fields, intervalSeconds: fields.intervalSeconds.default(3600), maxEventsPerRun: fields.maxEventsPerRun.default(200), enabled: fields.enabled.default(true) })
  .openapi('MispFeedInput');
export type MispFeedInputT = z.infer<typeof MispFeedInput>;

export const MispFeedPatch = z.object(fields).omit({ partnerId: true }).partial().openapi('MispFeedPatch');
export type MispFeedPatchT = z.infer<typeof MispFeedPatch>;

export const MispFeedSchema = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    name: z.string(),
    url: z.string(),
    intervalSeconds: z.number().int(),
    maxEventsPerRun: z.number().int(),
    enabled: z.boolean(),
    nextRunAt: z.iso.datetime(),
    lastRun: z.object({ at: z.iso.datetime().nullable(), outcome: z.string().nullable(), error: z.string().nullable(), count: z.number().int().nullable() }),
  })
  .openapi('MispFeed');

export const FeedRunSchema = z
  .object({
    outcome: z.enum(['ok', 'failed']),
    listed: z.number().int(),
    imported: z.number().int(),
    failed: z.array(z.object({ uuid: z.string(), code: z.string(), message: z.string() })),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .openapi('MispFeedRun');

export const MispImportSchema = z
  .object({
    eventUuid: z.uuid(),
    skipped: z.array(z.object({ uuid: z.string().nullable(), type: z.string(), reason: z.string() })).openapi({ description: 'Attributes with no STIX counterpart here' }),
    result: ImportResultSchema,
  })
  .openapi('MispImport');

export const UuidParam = z.object({ uuid: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.json$/i, 'an event file: <uuid>.json').openapi({ param: { name: 'uuid', in: 'path' } }) });
