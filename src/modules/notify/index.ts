import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import type { DB } from '../../platform/db/schema.ts';
import { enqueue, type AnyJob } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AuditService } from '../audit/index.ts';
import { createDelivery } from './notify.delivery.ts';
import { createDeliverJob } from './notify.jobs.ts';
import { createNotifyRepository } from './notify.repository.ts';
import { notifyRoutes } from './notify.routes.ts';
import { createNotifyService } from './notify.service.ts';

export type { NotifyService, NotificationRef } from './notify.service.ts';
export type { EmailInput, EmailAttachment, WebhookInput, Related } from './notify.schemas.ts';
export { loadSigningKey, type SigningKey } from './notify.mime.ts';
export { webhookSignature } from './notify.delivery.ts';
export { DELIVER_JOB, DELIVER_MAX_ATTEMPTS } from './notify.jobs.ts';

/**
 * Wires the notify module: the outbox service, its `notify.deliver` job and its admin routes.
 * In `createVigil` (app.ts):
 *
 *     const notify = createNotify({ db, audit, clock, log, config });
 *     const services = { ..., notify: notify.service };
 *     const jobs: AnyJob[] = [...notify.jobs];
 *     api.route('/', notify.routes());
 *
 * Other modules take `notify.service` and call `sendEmail(tx, ...)` / `sendWebhook(tx, ...)` inside
 * the transaction of the change they report.
 */
export function createNotify(deps: {
  db: Kysely<DB>;
  audit: AuditService;
  clock: Clock;
  log: Logger;
  config: Pick<Config, 'smtpUrl' | 'smtpFrom' | 'webhookTimeoutMs'> & Partial<Pick<Config, 'digestSigningKeyFile' | 'digestSigningKeyPassphrase'>>;
}) {
  const { db, audit, clock, config } = deps;
  const repo = createNotifyRepository();
  const log = deps.log.child({ module: 'notify' });
  const signingKey = config.digestSigningKeyFile ? { file: config.digestSigningKeyFile, passphrase: config.digestSigningKeyPassphrase } : undefined;
  const delivery = createDelivery({ db, repo, clock, log, settings: { ...config, signingKey } });
  const deliverJob = createDeliverJob(delivery);
  const service = createNotifyService({
    db,
    repo,
    audit,
    clock,
    isSmtpConfigured: config.smtpUrl !== undefined,
    isSigningConfigured: signingKey !== undefined,
    queue: (tx, notificationId) => enqueue(tx, clock, deliverJob, { notificationId }),
  });
  const jobs: AnyJob[] = [deliverJob];
  return { service, jobs, routes: () => notifyRoutes({ notify: service }) };
}

export type Notify = ReturnType<typeof createNotify>;
