import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { DB } from '../../../platform/db/schema.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import type { Principal } from '../../../platform/http/context.ts';
import type { Actor, AuditService } from '../../audit/index.ts';
import { scopeOf } from '../../constituency/index.ts';
import type { NotifyService } from '../../notify/index.ts';
import { buildDigestContent, digestEmail, digestWebhookPayload, type DigestPeriod } from './digests.content.ts';
import { nextPeriodEnd, periodEndAtOrBefore, periodMs } from './digests.period.ts';
import type { DeliveryCursor, DigestsRepository } from './digests.repository.ts';
import type { DigestScheduleInput } from './digests.schemas.ts';
import type { EventsRepository } from './events.repository.ts';
import type { DigestRow, DigestScheduleRow } from './outputs.tables.ts';

/** A period is digested this long after it ends, so chunks still committing land in it. */
export const SETTLE_MS = 120_000;
const DUE_BATCH = 100;

const ruleOf = (s: DigestScheduleRow) => ({ frequency: s.frequency, hourUtc: s.hour_utc, weekday: s.weekday });

/** Puts the build job of one digest on the queue, in the given transaction. */
export type QueueDigest = (tx: Kysely<DB>, digestId: string) => Promise<void>;

export type DigestsDeps = { db: Kysely<DB>; repo: DigestsRepository; events: EventsRepository; notify: NotifyService; audit: AuditService; clock: Clock; queue: QueueDigest; publicUrl: string | undefined };

/**
 * Per-organization digests: schedules, one digest per organization and period (a unique key, so
 * a retry or a second process never sends twice), and its notifications queued in one transaction.
 */
export function createDigestsService(deps: DigestsDeps) {
  const { db, repo, events, notify, audit, clock, queue, publicUrl } = deps;

  async function visibleOrg(p: Principal, organizationId: string): Promise<void> {
    if (!(await repo.isVisible(db, scopeOf(p), organizationId))) throw notFound('organization.not_found', 'Organization not found');
  }

  async function checkEndpoints(ids: readonly string[]): Promise<void> {
    const known = new Set(await repo.activeEndpointIds(db, ids));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length) throw new AppError('digest.unknown_webhook_endpoint', `Unknown or inactive webhook endpoint: ${unknown.join(', ')}`, 400, { field: 'webhookEndpointIds', ids: unknown });
  }

  async function createDigest(tx: Kysely<DB>, s: DigestScheduleRow, end: Date, trigger: 'schedule' | 'manual'): Promise<DigestRow | null> {
    const start = s.last_period_end ?? new Date(end.getTime() - periodMs(s.frequency));
    if (start.getTime() >= end.getTime()) return null;
    const row: DigestRow = { id: randomUUID(), organization_id: s.organization_id, period_start: start, period_end: end, trigger, state: 'queued', event_count: null, csv_sha256: null, created_at: clock.now(), built_at: null };
    if (!(await repo.insertDigest(tx, row))) return null;
    await queue(tx, row.id);
    return row;
  }

  async function recipients(tx: Kysely<DB>, s: DigestScheduleRow): Promise<string[]> {
    return s.email_to === 'none' ? [] : repo.contactEmails(tx, s.organization_id, s.email_to, s.email_roles);
  }

  /** Queues the e-mails and webhooks of a built digest and logs each of them. */
  async function send(tx: Kysely<DB>, d: DigestRow, s: DigestScheduleRow, period: DigestPeriod): Promise<void> {
    const content = await buildDigestContent(tx, events, period);
    const at = clock.now();
    const log = { digest_id: d.id, organization_id: d.organization_id, period_start: d.period_start, period_end: d.period_end, event_count: content.eventCount, created_at: at };
    if (content.eventCount > 0) {
      const { subject, text } = digestEmail(period, content, publicUrl);
      const attachments = content.csv ? [{ filename: `vigil-events-${d.period_end.toISOString().slice(0, 13).replace(/[-T:]/g, '')}.csv`, contentType: 'text/csv; charset=utf-8', content: content.csv }] : [];
      const isSigned = notify.isSigningConfigured;
      for (const to of await recipients(tx, s)) {
        const ref = await notify.sendEmail(tx, { to, subject, text, attachments, sign: isSigned, dedupeKey: `digest:${d.id}:email:${to}`, related: { type: 'digest', id: d.id } });
        await repo.insertDelivery(tx, { ...log, id: randomUUID(), channel: 'email', recipient: to, attachment_sha256: content.csvSha256, is_signed: isSigned, notification_id: ref.id });
      }
      const payload = digestWebhookPayload(d.id, period, content, publicUrl);
      for (const endpointId of await repo.activeEndpointIds(tx, s.webhook_endpoint_ids)) {
        const ref = await notify.sendWebhookTo(tx, endpointId, { event: 'pipeline.digest', payload, dedupeKey: `digest:${d.id}`, related: { type: 'digest', id: d.id } });
        await repo.insertDelivery(tx, { ...log, id: randomUUID(), channel: 'webhook', recipient: endpointId, attachment_sha256: null, is_signed: false, notification_id: ref.id });
      }
    }
    await repo.markBuilt(tx, d.id, content.eventCount, content.csvSha256, at);
  }

  return {
    /** The schedule of an organization the caller may see (a default, off, when it has none). */
    async getSchedule(p: Principal, organizationId: string): Promise<DigestScheduleRow | undefined> {
      await visibleOrg(p, organizationId);
      return repo.findSchedule(db, organizationId);
    },

    /** Sets an organization's schedule (national CERT staff); the next period starts now. */
    async setSchedule(p: Principal, organizationId: string, input: DigestScheduleInput, actor: Actor): Promise<DigestScheduleRow> {
      if (scopeOf(p).kind !== 'all') throw new AppError('auth.forbidden', 'Only national CERT analysts and administrators set digest schedules', 403);
      await visibleOrg(p, organizationId);
      await checkEndpoints(input.webhookEndpointIds);
      const now = clock.now();
      const rule = { frequency: input.frequency, hourUtc: input.hourUtc, weekday: input.weekday };
      return db.transaction().execute(async (tx) => {
        const before = await repo.lockSchedule(tx, organizationId);
        const row = await repo.upsertSchedule(tx, {
          organization_id: organizationId,
          frequency: input.frequency,
          hour_utc: input.hourUtc,
          weekday: input.weekday,
          email_to: input.emailTo,
          email_roles: [...new Set(input.emailRoles)],
          webhook_endpoint_ids: [...new Set(input.webhookEndpointIds)],
          last_period_end: before?.last_period_end ?? null,
          next_period_end: nextPeriodEnd(rule, now),
          created_at: now,
          updated_at: now,
        });
        await audit.append(tx, actor, { action: 'digest_schedule.updated', entityType: 'organization', entityId: organizationId, before: before ?? null, after: row });
        return row;
      });
    },

    /** Sends a digest now for the events since the last one (national CERT staff). */
    async sendNow(p: Principal, organizationId: string, actor: Actor): Promise<DigestRow> {
      if (scopeOf(p).kind !== 'all') throw new AppError('auth.forbidden', 'Only national CERT analysts and administrators send digests', 403);
      await visibleOrg(p, organizationId);
      return db.transaction().execute(async (tx) => {
        const s = await repo.lockSchedule(tx, organizationId);
        if (!s) throw new AppError('digest.no_schedule', 'Set the organization\'s digest schedule (recipients) first', 409);
        const end = clock.now();
        const d = await createDigest(tx, s, end, 'manual');
        if (!d) throw new AppError('digest.empty_period', 'A digest was just sent; nothing new to digest yet', 409);
        await repo.advance(tx, organizationId, end, s.next_period_end);
        await audit.append(tx, actor, { action: 'digest.requested', entityType: 'organization', entityId: organizationId, after: { digestId: d.id, periodStart: d.period_start, periodEnd: d.period_end } });
        return d;
      });
    },

    /** Scheduled task: queues one digest for every organization whose period ended (and settled). */
    async queueDue(): Promise<number> {
      const now = clock.now();
      const settled = new Date(now.getTime() - SETTLE_MS);
      return db.transaction().execute(async (tx) => {
        let queued = 0;
        for (const s of await repo.lockDue(tx, settled, DUE_BATCH)) {
          // After downtime the missed periods go out as one digest up to the last settled end.
          const rule = ruleOf(s);
          const end = periodEndAtOrBefore(rule, settled);
          if (await createDigest(tx, s, end, 'schedule')) queued++;
          const last = s.last_period_end && s.last_period_end > end ? s.last_period_end : end;
          await repo.advance(tx, s.organization_id, last, nextPeriodEnd(rule, end));
        }
        return queued;
      });
    },

    /** Job: builds a digest and queues its notifications, once (a repeated job finds it sent). */
    async build(digestId: string): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const d = await repo.lockDigest(tx, digestId);
        if (!d || d.state === 'sent') return;
        const s = await repo.findSchedule(tx, d.organization_id);
        const name = (await repo.organizationName(tx, d.organization_id)) ?? d.organization_id;
        if (!s) return repo.markBuilt(tx, d.id, 0, null, clock.now());
        await send(tx, d, s, { organizationId: d.organization_id, organizationName: name, start: d.period_start, end: d.period_end });
      });
    },

    listDigests: async (p: Principal, organizationId: string) => {
      await visibleOrg(p, organizationId);
      return repo.listDigests(db, organizationId, 50);
    },

    /** The sent log within the caller's scope. */
    listDeliveries: (p: Principal, q: { organizationId?: string | undefined; after?: DeliveryCursor | undefined; limit: number }) => repo.listDeliveries(db, { ...q, scope: scopeOf(p) }),
  };
}

export type DigestsService = ReturnType<typeof createDigestsService>;
