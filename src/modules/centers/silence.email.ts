import type { NotifyService } from '../notify/index.ts';
import type { SilenceListener } from './heartbeats.service.ts';

/**
 * E-mails a silence alert to the center's own duty contacts: the 24/7 ones, or every contact of a
 * center that has none marked 24/7. They are the people who can bring its link back; national
 * analysts already see the alert on the alerts board and the centers' live board. Sent through the
 * outbox in the transaction that raises the alert, so once per silence episode: the dedupe key
 * names the alert, which a later silence replaces with a new one.
 */
export function silenceEmail(notify: Pick<NotifyService, 'sendEmail'>): SilenceListener {
  return async (tx, { alert, center, contacts }) => {
    const duty = contacts.some((c) => c.is_24x7) ? contacts.filter((c) => c.is_24x7) : contacts;
    const last = center.last_heartbeat_at?.toISOString() ?? 'never';
    const text = [
      `Vigil receives no heartbeat from ${center.name}.`,
      `Last heartbeat: ${last}`,
      `Expected every ${center.heartbeat_interval_seconds} s; silent after ${center.silent_after_seconds} s.`,
      '',
      'Incident notifications from the center may not reach the national CERT.',
      'Please check the link; the next heartbeat Vigil stores resolves the alert.',
    ].join('\n');
    for (const email of new Set(duty.map((c) => c.email.toLowerCase()))) {
      await notify.sendEmail(tx, { to: email, subject: `[Vigil] ${alert.subject}`, text, related: { type: 'alert', id: alert.id }, dedupeKey: `${alert.dedupe_key ?? alert.id}:${alert.id}:${email}` });
    }
  };
}
