import { z } from '@hono/zod-openapi';

const name = z.string().trim().min(1).max(200);
const description = z.string().trim().max(2000).nullable();
const interval = z.number().int().min(10).max(86_400).openapi({ description: 'Seconds between heartbeats the center promises' });
const silentAfter = z.number().int().min(10).max(604_800).openapi({ description: 'Seconds without a heartbeat before the center counts as silent (>= interval)' });

export const CenterStatusSchema = z.enum(['up', 'late', 'silent', 'never']).openapi({ description: 'never: no heartbeat yet; up: within the interval; late: past it; silent: past silentAfterSeconds' });

export const HeartbeatReport = z
  .object({
    version: z.string().trim().max(100).optional(),
    queueDepth: z.number().int().min(0).max(1_000_000_000).optional(),
    message: z.string().trim().max(500).optional(),
  })
  .openapi('HeartbeatReport');
export type HeartbeatReportT = z.infer<typeof HeartbeatReport>;

export const HeartbeatResponse = z
  .object({ centerId: z.uuid(), status: z.literal('up'), nextExpectedBefore: z.iso.datetime() })
  .openapi('HeartbeatResponse');

export const CenterContactSchema = z
  .object({
    id: z.uuid(),
    centerId: z.uuid(),
    name: z.string(),
    role: z.string(),
    email: z.string(),
    phone: z.string().nullable(),
    is24x7: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .openapi('CenterContact');

export const CenterContactInput = z
  .object({
    name,
    role: z.string().trim().min(1).max(100),
    email: z.string().trim().max(254).pipe(z.email()),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()./-]{3,40}$/, 'must be a phone number')
      .nullable()
      .optional(),
    is24x7: z.boolean().default(false),
  })
  .openapi('CenterContactInput');
export type CenterContactInputT = z.infer<typeof CenterContactInput>;

export const CenterSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    status: CenterStatusSchema,
    lastHeartbeatAt: z.iso.datetime().nullable(),
    nextExpectedBefore: z.iso.datetime().nullable(),
    lastReport: HeartbeatReport.nullable().openapi({ description: 'What the center said in its last stored heartbeat' }),
    heartbeatIntervalSeconds: z.number().int(),
    silentAfterSeconds: z.number().int(),
    organizationCount: z.number().int(),
    contactCount: z.number().int(),
    dutyContacts: z.array(CenterContactSchema).openapi({ description: 'The 24/7 duty contacts' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Center');

export const CenterDetailSchema = CenterSchema.extend({
  organizationIds: z.array(z.uuid()),
  contacts: z.array(CenterContactSchema),
}).openapi('CenterDetail');

export const CenterInput = z
  .object({ name, description: description.optional(), heartbeatIntervalSeconds: interval.optional(), silentAfterSeconds: silentAfter.optional() })
  .openapi('CenterInput');
export type CenterInputT = z.infer<typeof CenterInput>;

export const CenterPatch = CenterInput.partial().openapi('CenterPatch');
export type CenterPatchT = z.infer<typeof CenterPatch>;

export const AlertStatusSchema = z.enum(['open', 'acknowledged', 'resolved']);

export const AlertSchema = z
  .object({
    id: z.uuid(),
    kind: z.string().openapi({ example: 'center.silent' }),
    severity: z.enum(['info', 'warning', 'critical']),
    subject: z.string(),
    detail: z.record(z.string(), z.unknown()),
    entityType: z.string().nullable(),
    entityId: z.string().nullable(),
    status: AlertStatusSchema,
    createdAt: z.iso.datetime(),
    acknowledgedAt: z.iso.datetime().nullable(),
    acknowledgedBy: z.uuid().nullable(),
    resolvedAt: z.iso.datetime().nullable(),
  })
  .openapi('Alert');

export const AlertQuery = z.object({
  status: z
    .enum(['open', 'acknowledged', 'resolved', 'unresolved'])
    .optional()
    .openapi({ param: { name: 'status', in: 'query' }, description: 'unresolved = open or acknowledged; omit for all' }),
  limit: z.coerce.number().int().min(1).max(500).default(100).openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z.string().max(512).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
});
export type AlertQueryT = z.infer<typeof AlertQuery>;

export const AlertList = z.object({ items: z.array(AlertSchema), nextCursor: z.string().nullable() }).openapi('AlertList');
