import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import type { NewNotification, NotificationCursor, NotifyRepository } from './notify.repository.ts';
import { checkAttachments } from './notify.attachments.ts';
import { EVENT_TYPE, type CreateWebhookEndpointInput, type EmailInput, type Related, type WebhookInput } from './notify.schemas.ts';
import type { NotificationStatus, WebhookEndpointRow } from './notify.tables.ts';

export type NotifyService = ReturnType<typeof createNotifyService>;

/** Puts the delivery job of one notification on the queue, in the given transaction. */
export type QueueDelivery = (tx: Kysely<DB>, notificationId: string) => Promise<void>;

export type NotificationRef = { id: string; isDuplicate: boolean };

const Email = z.email();

function endpointForAudit(row: WebhookEndpointRow) {
  const { secret: _omit, ...rest } = row;
  return rest;
}

function relatedColumns(related: Related | undefined) {
  return { related_type: related?.type ?? null, related_id: related?.id ?? null };
}

/**
 * The outbox. `sendEmail` and `sendWebhook` write notifications and their delivery jobs in the
 * caller's transaction: a notification exists exactly when the change that caused it commits.
 */
export function createNotifyService(deps: { db: Kysely<DB>; repo: NotifyRepository; audit: AuditService; clock: Clock; queue: QueueDelivery; isSmtpConfigured: boolean; isSigningConfigured?: boolean }) {
  const { db, repo, audit, clock, queue } = deps;

  // A caller that passes the plain database still gets the row and its job atomically.
  const inTransaction = <T>(tx: Kysely<DB>, fn: (tx: Kysely<DB>) => Promise<T>): Promise<T> => (tx.isTransaction ? fn(tx) : tx.transaction().execute(fn));

  async function add(tx: Kysely<DB>, row: NewNotification): Promise<NotificationRef> {
    const ref = await repo.insertNotification(tx, row);
    if (!ref.isDuplicate) await queue(tx, ref.id);
    return ref;
  }

  async function sendEmail(tx: Kysely<DB>, input: EmailInput): Promise<NotificationRef> {
    if (!Email.safeParse(input.to).success) throw new AppError('notify.invalid_recipient', 'The recipient is not an e-mail address', 400);
    const subject = input.subject.replace(/[\r\n]+/g, ' ').trim().slice(0, 900);
    const attachments = checkAttachments(input.attachments ?? []);
    const id = randomUUID();
    return inTransaction(tx, async (t) => {
      const ref = await add(t, {
        id,
        channel: 'email',
        recipient: input.to,
        event: null,
        subject,
        body: input.text,
        payload: null,
        status: 'pending',
        attempts: 0,
        created_at: clock.now(),
        dedupe_key: input.dedupeKey ?? null,
        is_signed: input.sign === true,
        ...relatedColumns(input.related),
      });
      if (!ref.isDuplicate && attachments.length) await repo.insertAttachments(t, id, attachments);
      return ref;
    });
  }

  async function sendWebhook(tx: Kysely<DB>, input: WebhookInput): Promise<NotificationRef[]> {
    if (!EVENT_TYPE.test(input.event)) throw new AppError('notify.invalid_event', `Not an event type: ${input.event}`, 400);
    const payload = JSON.stringify(input.payload ?? null);
    return inTransaction(tx, async (t) => {
      const refs: NotificationRef[] = [];
      for (const endpoint of await repo.subscribedEndpoints(t, input.event)) refs.push(await queueWebhook(t, endpoint.id, input, payload));
      return refs;
    });
  }

  /** Queues one webhook delivery of `input` to one endpoint (the caller chose it, e.g. an organization's own). */
  async function queueWebhook(t: Kysely<DB>, endpointId: string, input: WebhookInput, payload: string): Promise<NotificationRef> {
    const createdAt = clock.now();
    const id = randomUUID();
    // The exact bytes every attempt POSTs (and signs), so a receiver sees one document per delivery id.
    const body = `{"id":${JSON.stringify(id)},"event":${JSON.stringify(input.event)},"createdAt":"${createdAt.toISOString()}","data":${payload}}`;
    return add(t, {
      id,
      channel: 'webhook',
      recipient: endpointId,
      event: input.event,
      subject: null,
      body,
      payload,
      status: 'pending',
      attempts: 0,
      created_at: createdAt,
      dedupe_key: input.dedupeKey === undefined ? null : `${input.dedupeKey}#${endpointId}`,
      ...relatedColumns(input.related),
    });
  }

  /** Queues `input` for exactly one endpoint, whatever it subscribes to; 404 when it does not exist. */
  async function sendWebhookTo(tx: Kysely<DB>, endpointId: string, input: WebhookInput): Promise<NotificationRef> {
    if (!EVENT_TYPE.test(input.event)) throw new AppError('notify.invalid_event', `Not an event type: ${input.event}`, 400);
    return inTransaction(tx, async (t) => {
      if (!(await repo.findEndpoint(t, endpointId))) throw notFound('webhook_endpoint.not_found', 'Webhook endpoint not found');
      return queueWebhook(t, endpointId, input, JSON.stringify(input.payload ?? null));
    });
  }

  return {
    sendEmail,
    sendWebhook,
    sendWebhookTo,
    /** True when this process has an OpenPGP key to sign e-mails with (VIGIL_DIGEST_SIGNING_KEY_FILE). */
    isSigningConfigured: deps.isSigningConfigured === true,

    list: (q: { status?: NotificationStatus | undefined; after?: NotificationCursor | undefined; limit: number }) => repo.listNotifications(db, q),

    get: (id: string) => repo.findNotification(db, id),

    listEndpoints: () => repo.listEndpoints(db),

    /** Registers an endpoint; the secret (given or generated) is returned here and never again. */
    async createEndpoint(input: CreateWebhookEndpointInput, actor: Actor): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
      const secret = input.secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
      const endpoint: WebhookEndpointRow = {
        id: randomUUID(),
        name: input.name,
        url: input.url,
        secret,
        event_types: [...new Set(input.eventTypes)],
        is_active: input.isActive,
        created_at: clock.now(),
      };
      await db.transaction().execute(async (tx) => {
        await repo.insertEndpoint(tx, endpoint);
        await audit.append(tx, actor, { action: 'webhook_endpoint.created', entityType: 'webhook_endpoint', entityId: endpoint.id, after: endpointForAudit(endpoint) });
      });
      return { endpoint, secret };
    },

    /** Deletes an endpoint and its secret; what was still pending for it fails without a send. */
    async deleteEndpoint(id: string, actor: Actor): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const row = await repo.findEndpoint(tx, id);
        if (!row) throw notFound('webhook_endpoint.not_found', 'Webhook endpoint not found');
        await repo.deleteEndpoint(tx, id);
        const abandoned = await repo.failPendingFor(tx, id, 'notify.endpoint_deleted: the webhook endpoint was deleted');
        await audit.append(tx, actor, { action: 'webhook_endpoint.deleted', entityType: 'webhook_endpoint', entityId: id, before: endpointForAudit(row), after: { abandonedNotifications: abandoned } });
      });
    },

    /** Queues a test e-mail; refused at once when this process has no SMTP server configured. */
    async queueTestEmail(to: string, actor: Actor): Promise<NotificationRef> {
      if (!deps.isSmtpConfigured) throw new AppError('notify.smtp_not_configured', 'No SMTP server is configured (VIGIL_SMTP_URL)', 409);
      return db.transaction().execute(async (tx) => {
        const at = clock.now();
        const ref = await sendEmail(tx, {
          to,
          subject: 'Vigil test e-mail',
          text: `This is a test e-mail from Vigil, queued at ${at.toISOString()}.\nIf you can read it, e-mail notifications work.\n`,
          related: { type: 'notification_test' },
        });
        await audit.append(tx, actor, { action: 'notification.test_email_queued', entityType: 'notification', entityId: ref.id, after: { channel: 'email', recipient: to } });
        return ref;
      });
    },
  };
}
