import { z } from '@hono/zod-openapi';
import { PageQuery } from '../../../platform/http/openapi.ts';
import type { DigestRow, DigestScheduleRow } from './outputs.tables.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const DigestScheduleRequest = z
  .object({
    frequency: z.enum(['off', 'hourly', 'daily', 'weekly']),
    hourUtc: z.number().int().min(0).max(23).default(6).openapi({ description: 'UTC hour a daily or weekly digest is sent at' }),
    weekday: z.number().int().min(1).max(7).default(1).openapi({ description: 'ISO weekday of a weekly digest: 1 = Monday ... 7 = Sunday' }),
    emailTo: z.enum(['none', 'duty', 'roles']).default('duty').openapi({ description: "none; duty = the organization's 24/7 contacts; roles = its contacts whose role is in emailRoles" }),
    emailRoles: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
    webhookEndpointIds: z.array(z.uuid()).max(10).default([]).openapi({ description: 'Webhook endpoints (see /webhook-endpoints) that receive the digest as signed JSON' }),
  })
  .strict()
  .refine((v) => v.emailTo !== 'roles' || v.emailRoles.length > 0, { path: ['emailRoles'], message: 'name at least one contact role when emailTo is roles' })
  .openapi('DigestScheduleRequest');
export type DigestScheduleInput = z.infer<typeof DigestScheduleRequest>;

export const DigestScheduleSchema = z
  .object({
    organizationId: z.uuid(),
    frequency: z.enum(['off', 'hourly', 'daily', 'weekly']),
    hourUtc: z.number(),
    weekday: z.number(),
    emailTo: z.enum(['none', 'duty', 'roles']),
    emailRoles: z.array(z.string()),
    webhookEndpointIds: z.array(z.uuid()),
    lastPeriodEnd: z.iso.datetime().nullable(),
    nextPeriodEnd: z.iso.datetime().nullable(),
    version: z.number(),
    updatedAt: z.iso.datetime().nullable(),
  })
  .openapi('DigestSchedule');

export const DigestSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    periodStart: z.iso.datetime(),
    periodEnd: z.iso.datetime(),
    trigger: z.enum(['schedule', 'manual']),
    state: z.enum(['queued', 'sent']),
    eventCount: z.number().nullable(),
    csvSha256: z.string().nullable(),
    createdAt: z.iso.datetime(),
    builtAt: z.iso.datetime().nullable(),
  })
  .openapi('Digest');

export const DigestDeliverySchema = z
  .object({
    id: z.uuid(),
    digestId: z.uuid(),
    organization: z.object({ id: z.uuid(), name: z.string().nullable() }),
    periodStart: z.iso.datetime(),
    periodEnd: z.iso.datetime(),
    channel: z.enum(['email', 'webhook']),
    recipient: z.string().openapi({ description: 'E-mail address, or the webhook endpoint id' }),
    eventCount: z.number(),
    attachmentSha256: z.string().nullable(),
    isSigned: z.boolean(),
    notificationId: z.uuid(),
    status: z.enum(['pending', 'sent', 'failed']),
    queuedAt: z.iso.datetime(),
    sentAt: z.iso.datetime().nullable(),
    lastError: z.string().nullable(),
  })
  .openapi('DigestDelivery');
export const DigestDeliveryList = z.object({ items: z.array(DigestDeliverySchema), nextCursor: z.string().nullable() }).openapi('DigestDeliveryList');
export const DeliveryQuery = PageQuery.extend({ organizationId: z.uuid().optional().openapi({ param: { name: 'organizationId', in: 'query' } }) });

/** The schedule of an organization; a default (off) one when it never had one. */
export function toSchedule(organizationId: string, r: DigestScheduleRow | undefined): z.infer<typeof DigestScheduleSchema> {
  if (!r) return { organizationId, frequency: 'off', hourUtc: 6, weekday: 1, emailTo: 'duty', emailRoles: [], webhookEndpointIds: [], lastPeriodEnd: null, nextPeriodEnd: null, version: 0, updatedAt: null };
  return {
    organizationId,
    frequency: r.frequency,
    hourUtc: r.hour_utc,
    weekday: r.weekday,
    emailTo: r.email_to,
    emailRoles: r.email_roles,
    webhookEndpointIds: r.webhook_endpoint_ids,
    lastPeriodEnd: iso(r.last_period_end),
    nextPeriodEnd: iso(r.next_period_end),
    version: r.version,
    updatedAt: r.updated_at.toISOString(),
  };
}

export function toDigest(r: DigestRow): z.infer<typeof DigestSchema> {
  return {
    id: r.id,
    organizationId: r.organization_id,
    periodStart: r.period_start.toISOString(),
    periodEnd: r.period_end.toISOString(),
    trigger: r.trigger,
    state: r.state,
    eventCount: r.event_count,
    csvSha256: r.csv_sha256,
    createdAt: r.created_at.toISOString(),
    builtAt: iso(r.built_at),
  };
}
