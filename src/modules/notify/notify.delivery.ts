import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createTransport } from 'nodemailer';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import type { Logger } from '../../platform/logger.ts';
import { buildSignedMessage, loadSigningKey, type SigningKey, type SigningKeySettings } from './notify.mime.ts';
import type { NotifyRepository } from './notify.repository.ts';
import type { NotificationRow } from './notify.tables.ts';

export type DeliverySettings = { smtpUrl: string | undefined; smtpFrom: string; webhookTimeoutMs: number; signingKey?: SigningKeySettings | undefined };
export type Delivery = ReturnType<typeof createDelivery>;

const MAX_REDIRECTS = 3;
const SMTP_TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 };

/** A failed attempt; `isPermanent` ones are not retried (the endpoint is gone). */
export class DeliveryError extends Error {
  readonly isPermanent: boolean;
  constructor(message: string, isPermanent = false) {
    super(message);
    this.name = 'DeliveryError';
    this.isPermanent = isPermanent;
  }
}

/**
 * `sha256=<hex>`: HMAC-SHA256 of `<X-Vigil-Timestamp>.<raw body>` with the endpoint's secret. A
 * receiver recomputes it over the bytes it got, compares in constant time, rejects old timestamps
 * (replays) and drops a repeated X-Vigil-Delivery (delivery is at least once).
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return 'timed out';
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message ? `${err.message}: ${cause.message}` : err.message;
}

// Logs and the job table get the error without e-mail addresses (personal data); the
// notification row, which only administrators read, keeps it whole.
function withoutAddresses(text: string): string {
  return text.replace(/[^\s<>@"',;:()[\]]+@[^\s<>@"',;:()[\]]+/g, 'REDACTED');
}

// The start of an error answer helps whoever debugs the receiver; never read more than that.
async function readSnippet(res: Response, max = 200): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  let text = '';
  const decoder = new TextDecoder();
  try {
    while (text.length < max) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // The answer was cut off; what arrived is enough.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, max);
}

/**
 * Sends one notification: e-mail over SMTP, webhooks as signed JSON POSTs. Delivery is at least
 * once; the notification id (Message-ID, X-Vigil-Delivery) lets a receiver drop a repeat.
 */
export function createDelivery(deps: { db: Kysely<DB>; repo: NotifyRepository; clock: Clock; log: Logger; settings: DeliverySettings }) {
  const { db, repo, clock, log, settings } = deps;
  const transport = settings.smtpUrl ? createTransport({ url: settings.smtpUrl, ...SMTP_TIMEOUTS }) : null;
  const fromDomain = /@([^\s>]+)>?\s*$/.exec(settings.smtpFrom)?.[1] ?? 'localhost';
  const fromAddress = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(settings.smtpFrom)?.[1] ?? settings.smtpFrom.trim();
  let signer: Promise<SigningKey> | null = null;

  // Loaded once per process; a failure is retried at the next signed e-mail (the file may be fixed).
  async function signingKey(): Promise<SigningKey> {
    const keySettings = settings.signingKey;
    if (!keySettings) throw new DeliveryError('notify.signing_key_not_configured: VIGIL_DIGEST_SIGNING_KEY_FILE is not set; the signed e-mail waits for it');
    signer ??= loadSigningKey(keySettings);
    try {
      return await signer;
    } catch (err) {
      signer = null;
      throw new DeliveryError(`notify.signing_key_invalid: the OpenPGP signing key could not be loaded: ${errorText(err)}`);
    }
  }

  async function sendEmail(row: NotificationRow): Promise<void> {
    if (!transport) throw new DeliveryError('notify.smtp_not_configured: VIGIL_SMTP_URL is not set; the e-mail waits for it');
    const files = (await repo.listAttachments(db, row.id)).map((a) => ({ filename: a.filename, contentType: a.content_type, content: Buffer.from(a.content) }));
    const messageId = `<${row.id}@${fromDomain}>`;
    const extra = { 'X-Vigil-Notification': row.id, 'Auto-Submitted': 'auto-generated' };
    if (row.is_signed) {
      const headers = { from: settings.smtpFrom, to: row.recipient, subject: row.subject ?? '', messageId, extra };
      const raw = await buildSignedMessage(headers, row.body, files, await signingKey());
      await transport.sendMail({ envelope: { from: fromAddress, to: [row.recipient] }, raw });
      return;
    }
    await transport.sendMail({ from: settings.smtpFrom, to: row.recipient, subject: row.subject ?? '', text: row.body, messageId, headers: extra, attachments: files });
  }

  async function postWebhook(row: NotificationRow): Promise<void> {
    const endpoint = await repo.findEndpoint(db, row.recipient);
    if (!endpoint) throw new DeliveryError('notify.endpoint_deleted: the webhook endpoint was deleted', true);
    if (!endpoint.is_active) throw new DeliveryError('notify.endpoint_inactive: the webhook endpoint is inactive', true);
    const timestamp = String(Math.floor(clock.now().getTime() / 1000));
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Vigil-Webhooks/1',
      'x-vigil-event': row.event ?? '',
      'x-vigil-delivery': row.id,
      'x-vigil-timestamp': timestamp,
      'x-vigil-signature': webhookSignature(endpoint.secret, timestamp, row.body),
    };
    const signal = AbortSignal.timeout(settings.webhookTimeoutMs);
    let url = new URL(endpoint.url);
    for (let hops = 0; ; hops++) {
      const res = await fetch(url, { method: 'POST', headers, body: row.body, redirect: 'manual', signal }).catch((err: unknown) => {
        throw new DeliveryError(`webhook POST ${url.origin} failed: ${errorText(err)}`);
      });
      if (res.status >= 200 && res.status < 300) {
        await res.body?.cancel().catch(() => undefined);
        return;
      }
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel().catch(() => undefined);
        const location = res.headers.get('location');
        const next = location && URL.canParse(location, url.href) ? new URL(location, url) : null;
        // Only 307/308 keep the method and body; the signed document never leaves the endpoint's origin.
        if ((res.status === 307 || res.status === 308) && next && next.origin === url.origin && hops < MAX_REDIRECTS) {
          url = next;
          continue;
        }
        throw new DeliveryError(`webhook answered HTTP ${res.status}; redirects are followed only as 307/308 within ${url.origin}`);
      }
      const snippet = await readSnippet(res);
      throw new DeliveryError(`webhook answered HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`);
    }
  }

  return {
    /**
     * Delivers a pending notification once and records the attempt. Throws on a failure that is to
     * be retried; on `isFinal` the notification is marked failed (and the error still thrown).
     */
    async deliver(notificationId: string, opts: { isFinal: boolean; log?: Logger }): Promise<void> {
      const jobLog = (opts.log ?? log).child({ notificationId });
      const row = await repo.findNotification(db, notificationId);
      // Already sent or given up (a repeated job, a crash after the send): nothing to do.
      if (!row || row.status !== 'pending') return;
      const started = performance.now();
      try {
        await (row.channel === 'email' ? sendEmail(row) : postWebhook(row));
      } catch (err) {
        const message = err instanceof DeliveryError ? err.message : `${row.channel} delivery failed: ${errorText(err)}`;
        const isPermanent = err instanceof DeliveryError && err.isPermanent;
        await repo.markAttemptFailed(db, row.id, message, isPermanent || opts.isFinal);
        if (isPermanent || opts.isFinal) jobLog.warn({ channel: row.channel, attempts: row.attempts + 1, err: withoutAddresses(message) }, 'notification failed for good');
        if (isPermanent) return;
        throw new Error(withoutAddresses(message), { cause: err });
      }
      await repo.markSent(db, row.id, clock.now());
      jobLog.info({ channel: row.channel, attempts: row.attempts + 1, ms: Math.round(performance.now() - started) }, 'notification delivered');
    },
  };
}
