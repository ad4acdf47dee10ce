import type { NotifyService } from '../notify/index.ts';
import type { ClockListener } from './clocks.service.ts';

/**
 * Tells people before and when a deadline is missed: the 24/7 duty contacts of the organization the
 * incident is about get an e-mail, and webhook subscribers get `incident.clock_escalated` or
 * `incident.clock_breached`. Sent through the outbox in the sweep's transaction, once per clock.
 */
export function dutyEscalation(notify: NotifyService): ClockListener {
  return async (tx, { type, clock, incident }) => {
    const what = type === 'breach' ? 'MISSED' : 'due soon';
    const subject = `[Vigil ${incident.ref}] ${clock.label} ${what} (${incident.severity})`;
    const text = [
      `Incident ${incident.ref}: ${incident.title}`,
      `Deadline: ${clock.label}`,
      `Due: ${clock.due_at.toISOString()}`,
      type === 'breach' ? 'This deadline has passed without being met.' : 'This deadline is close and not met yet.',
    ].join('\n');
    if (incident.organization_id && incident.tlp !== 'red') {
      const duty = await tx.selectFrom('contacts').select(['email']).where('organization_id', '=', incident.organization_id).where('is_24x7', '=', true).execute();
      for (const c of duty) {
        await notify.sendEmail(tx, { to: c.email, subject, text, related: { type: 'incident', id: incident.id }, dedupeKey: `incident:${incident.id}:${clock.kind}:${type}:${c.email}` });
      }
    }
    await notify.sendWebhook(tx, {
      event: type === 'breach' ? 'incident.clock_breached' : 'incident.clock_escalated',
      payload: { incidentId: incident.id, ref: incident.ref, clock: clock.kind, label: clock.label, dueAt: clock.due_at.toISOString() },
      related: { type: 'incident', id: incident.id },
      dedupeKey: `incident:${incident.id}:${clock.kind}:${type}`,
    });
  };
}
