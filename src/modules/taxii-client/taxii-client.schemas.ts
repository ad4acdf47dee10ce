import { z } from '@hono/zod-openapi';

const url = z.string().trim().max(2000).refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http(s) URL');

export const ConnectionAuth = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('none') }),
    z.object({ type: z.literal('basic'), username: z.string().min(1).max(320), password: z.string().min(1).max(4096) }),
    z.object({ type: z.literal('bearer'), token: z.string().min(1).max(4096) }),
  ])
  .openapi('TaxiiConnectionAuth', { description: 'How Vigil authenticates to the partner. The password or token is stored encrypted and never returned.' });
export type ConnectionAuthT = z.infer<typeof ConnectionAuth>;

const fields = {
  title: z.string().trim().min(1).max(200),
  agreementId: z.uuid().openapi({ description: 'poll: an inbound (or both) agreement that screens what comes in; push: an outbound (or both) agreement that decides what leaves' }),
  direction: z.enum(['poll', 'push']),
  discoveryUrl: url.nullable().openapi({ description: 'The partner\'s TAXII discovery URL (its default API root is used); or give apiRootUrl' }),
  apiRootUrl: url.nullable(),
  collectionId: z.string().trim().min(1).max(200).regex(/^[A-Za-z0-9._~-]+$/, 'a TAXII collection id'),
  auth: ConnectionAuth,
  intervalSeconds: z.number().int().min(60).max(604_800),
  pageSize: z.number().int().min(1).max(1000),
  enabled: z.boolean(),
};

export const ConnectionInput = z
  .object({
    ...fields,
    discoveryUrl: fields.discoveryUrl.default(null),
    apiRootUrl: fields.apiRootUrl.default(null),
    intervalSeconds: fields.intervalSeconds.default(3600),
    pageSize: fields.pageSize.default(1000),
    enabled: fields.enabled.default(true),
  })
  .openapi('TaxiiConnectionInput');
export type ConnectionInputT = z.infer<typeof ConnectionInput>;

export const ConnectionPatch = z
  .object({
    ...fields,
    pollAddedAfter: z.iso.datetime().nullable().openapi({ description: 'Move the poll checkpoint (null: poll everything again)' }),
  })
  .omit({ direction: true })
  .partial()
  .openapi('TaxiiConnectionPatch');
export type ConnectionPatchT = z.infer<typeof ConnectionPatch>;

export const ConnectionSchema = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    agreementId: z.uuid(),
    title: z.string(),
    direction: z.enum(['poll', 'push']),
    discoveryUrl: z.string().nullable(),
    apiRootUrl: z.string().nullable(),
    collectionId: z.string(),
    auth: z.object({ type: z.enum(['none', 'basic', 'bearer']), username: z.string().nullable(), hasSecret: z.boolean() }),
    intervalSeconds: z.number().int(),
    pageSize: z.number().int(),
    enabled: z.boolean(),
    nextRunAt: z.iso.datetime(),
    checkpoint: z.object({ pollAddedAfter: z.string().nullable(), pushAfterSeq: z.number().int() }),
    lastRun: z.object({ at: z.iso.datetime().nullable(), outcome: z.string().nullable(), error: z.string().nullable(), count: z.number().int().nullable() }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('TaxiiConnection');

export const RunResultSchema = z
  .object({
    outcome: z.enum(['ok', 'skipped', 'failed']),
    reason: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    poll: z.object({ pages: z.number(), received: z.number(), accepted: z.number(), duplicates: z.number(), rejected: z.number(), refused: z.number(), checkpoint: z.string().nullable() }).nullable(),
    push: z.object({ pages: z.number(), examined: z.number(), pushed: z.number(), envelopes: z.number(), pending: z.number(), checkpoint: z.number() }).nullable(),
  })
  .openapi('TaxiiConnectionRun');

export const PushSchema = z
  .object({
    id: z.uuid(),
    statusId: z.string().nullable(),
    status: z.enum(['sending', 'pending', 'complete', 'failed']),
    totalCount: z.number().int(),
    successCount: z.number().int(),
    failureCount: z.number().int(),
    pendingCount: z.number().int(),
    error: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('TaxiiPush');
