import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import { csvHeader, toApiEvent, toCsvLine } from './events.format.ts';
import type { EventFilter, EventsRepository } from './events.repository.ts';

/** Events in the CSV attachment at most; past that the e-mail points to the pull API. */
export const MAX_CSV_EVENTS = 50_000;
/** Events in the webhook JSON at most; past that it carries `truncated` and the pull API link. */
export const MAX_WEBHOOK_EVENTS = 500;

export type DigestPeriod = { organizationId: string; organizationName: string; start: Date; end: Date };
export type TypeCount = { taxonomy: string; type: string; count: number };

/** What a digest sends: the summary, the CSV attachment and the webhook document. */
export type DigestContent = { eventCount: number; byType: TypeCount[]; csv: Buffer | null; csvSha256: string | null; isCsvTruncated: boolean; webhookEvents: ReturnType<typeof toApiEvent>[] };

const hhmm = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The pull API address that returns exactly this digest's events. */
export function pullUrl(publicUrl: string | undefined, p: DigestPeriod): string {
  const path = `/api/v1/me/events?since=${encodeURIComponent(p.start.toISOString())}&until=${encodeURIComponent(p.end.toISOString())}`;
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}${path}` : path;
}

/** Reads the period's events page by page into the CSV (IntelMQ columns) and the webhook sample. */
export async function buildDigestContent(db: Kysely<DB>, events: EventsRepository, p: DigestPeriod): Promise<DigestContent> {
  const filter: EventFilter = { scope: { kind: 'organization', organizationId: p.organizationId }, since: p.start, until: p.end, order: 'asc' };
  const byType = await events.countByType(db, filter);
  const eventCount = byType.reduce((n, t) => n + t.count, 0);
  if (!eventCount) return { eventCount, byType, csv: null, csvSha256: null, isCsvTruncated: false, webhookEvents: [] };
  const parts = [csvHeader()];
  const webhookEvents: ReturnType<typeof toApiEvent>[] = [];
  let cursor: { t: string; i: string } | undefined;
  let written = 0;
  while (written < MAX_CSV_EVENTS) {
    const rows = await events.list(db, filter, cursor, Math.min(1000, MAX_CSV_EVENTS - written));
    for (const r of rows) {
      parts.push(toCsvLine(r));
      if (webhookEvents.length < MAX_WEBHOOK_EVENTS) webhookEvents.push(toApiEvent(r));
    }
    written += rows.length;
    const last = rows.at(-1);
    if (!last || rows.length < 1000) break;
    cursor = { t: last.time_observation.toISOString(), i: String(last.id) };
  }
  const csv = Buffer.from(parts.join(''), 'utf8');
  return { eventCount, byType, csv, csvSha256: createHash('sha256').update(csv).digest('hex'), isCsvTruncated: written < eventCount, webhookEvents };
}

/** The e-mail subject and text: counts by classification and where the rest is. */
export function digestEmail(p: DigestPeriod, c: DigestContent, publicUrl: string | undefined): { subject: string; text: string } {
  const lines = [
    `Vigil event digest for ${p.organizationName}`,
    '',
    `${c.eventCount} event${c.eventCount === 1 ? '' : 's'} about your networks were observed from ${hhmm(p.start)} to ${hhmm(p.end)}.`,
    '',
    'By classification (taxonomy / type):',
    ...c.byType.map((t) => `  ${t.taxonomy} / ${t.type}: ${t.count}`),
    '',
    c.isCsvTruncated
      ? `The attached CSV holds the first ${MAX_CSV_EVENTS} events (IntelMQ field names as columns); fetch all of them from the pull API:`
      : 'The events are attached as CSV (IntelMQ field names as columns). They are also available from the pull API with your API key:',
    `  GET ${pullUrl(publicUrl, p)}`,
    '',
    'This message was sent automatically by your national CERT.',
  ];
  return { subject: `[Vigil] ${c.eventCount} security event${c.eventCount === 1 ? '' : 's'} for ${p.organizationName}`, text: `${lines.join('\n')}\n` };
}

/** The JSON a digest webhook carries (inside the notify envelope, signed by the notify module). */
export function digestWebhookPayload(digestId: string, p: DigestPeriod, c: DigestContent, publicUrl: string | undefined) {
  return {
    digestId,
    organization: { id: p.organizationId, name: p.organizationName },
    period: { start: p.start.toISOString(), end: p.end.toISOString() },
    eventCount: c.eventCount,
    byType: c.byType,
    events: c.webhookEvents,
    isTruncated: c.webhookEvents.length < c.eventCount,
    pullUrl: pullUrl(publicUrl, p),
  };
}
