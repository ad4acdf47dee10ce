import { z } from '@hono/zod-openapi';
import { PageQuery } from '../../platform/http/openapi.ts';
import type { NotificationRow, WebhookEndpointRow } from './notify.tables.ts';

/** A webhook event type: `incident.created`, `report.received`, ... */
export const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

/** What a module hands to `sendEmail`: one recipient per notification. */
export type EmailInput = {
  to: string;
  subject: string;
  text: string;
  related?: Related | undefined;
  /** The same key twice in the outbox is one notification (e.g. `incident:<id>:sla-breach:<to>`). */
  dedupeKey?: string | undefined;
  /** Files sent with the e-mail; stored with the notification (at most 20, 25 MiB together). */
  attachments?: readonly EmailAttachment[] | undefined;
  /** Sign as PGP/MIME with the configured key (VIGIL_DIGEST_SIGNING_KEY_FILE); waits while none is set. */
  sign?: boolean | undefined;
};

/** A file an e-mail carries. */
export type EmailAttachment = { filename: string; contentType: string; content: Uint8Array };

/** What a module hands to `sendWebhook`: fanned out to every active endpoint subscribed to `event`. */
export type WebhookInput = {
  event: string;
  payload: unknown;
  related?: Related | undefined;
  /** Deduplicated per endpoint: each endpoint gets an event with this key once. */
  dedupeKey?: string | undefined;
};

export type Related = { type: string; id?: string | null | undefined };

const Status = z.enum(['pending', 'sent', 'failed']);

export const NotificationSchema = z
  .object({
    id: z.uuid(),
    channel: z.enum(['email', 'webhook']),
    recipient: z.string().openapi({ description: 'E-mail address, or the id of the webhook endpoint' }),
    event: z.string().nullable(),
    subject: z.string().nullable(),
    status: Status,
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.iso.datetime(),
    sentAt: z.iso.datetime().nullable(),
    related: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  })
  .openapi('Notification');

export const NotificationList = z.object({ items: z.array(NotificationSchema), nextCursor: z.string().nullable() }).openapi('NotificationList');

export const NotificationQuery = PageQuery.extend({ status: Status.optional().openapi({ param: { name: 'status', in: 'query' } }) });

export const WebhookEndpointSchema = z
  .object({ id: z.uuid(), name: z.string(), url: z.string(), eventTypes: z.array(z.string()), isActive: z.boolean(), createdAt: z.iso.datetime() })
  .openapi('WebhookEndpoint');

export const CreateWebhookEndpointRequest = z
  .object({
    name: z.string().trim().min(1).max(200),
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .max(2000)
      .refine((u) => {
        const url = new URL(u);
        return !url.username && !url.password;
      }, 'must not carry credentials; the endpoint authenticates Vigil by the signature'),
    eventTypes: z
      .array(z.string().max(100).refine((e) => e === '*' || EVENT_TYPE.test(e), 'must be an event type like incident.created, or * for every event'))
      .min(1)
      .max(100),
    secret: z.string().min(16).max(256).optional().openapi({ description: 'Signing secret; generated when not given. Returned only in this response.' }),
    isActive: z.boolean().default(true),
  })
  .openapi('CreateWebhookEndpointRequest');
export type CreateWebhookEndpointInput = z.infer<typeof CreateWebhookEndpointRequest>;

export const CreatedWebhookEndpoint = z
  .object({ secret: z.string().openapi({ description: 'Shown once: Vigil never returns it again' }), endpoint: WebhookEndpointSchema })
  .openapi('CreatedWebhookEndpoint');

export const TestEmailRequest = z.object({ to: z.email().max(320) }).openapi('TestEmailRequest');

export function toNotification(r: NotificationRow): z.infer<typeof NotificationSchema> {
  return {
    id: r.id,
    channel: r.channel,
    recipient: r.recipient,
    event: r.event,
    subject: r.subject,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at ? r.sent_at.toISOString() : null,
    related: r.related_type ? { type: r.related_type, id: r.related_id } : null,
  };
}

/** An endpoint as the API shows it: never its secret. */
export function toWebhookEndpoint(r: WebhookEndpointRow): z.infer<typeof WebhookEndpointSchema> {
  return { id: r.id, name: r.name, url: r.url, eventTypes: r.event_types, isActive: r.is_active, createdAt: r.created_at.toISOString() };
}
