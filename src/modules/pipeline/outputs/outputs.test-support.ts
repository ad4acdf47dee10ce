import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import type { Session, TestApp } from '../../../test-support/app.ts';
import '../pipeline.tables.ts';

/** A feed row as the runtime would store it (drop feed, CSV). */
export async function insertFeed(db: Kysely<DB>, name: string, over: Partial<{ last_run_at: Date; events_total: number; reports_total: number; errors_total: number; last_report_events_per_sec: number }> = {}): Promise<string> {
  const id = randomUUID();
  const now = new Date('2026-03-01T00:00:00Z');
  await db
    .insertInto('feeds')
    .values({ id, name, kind: 'drop', format: 'csv', config: '{}', parser: '{}', rules: '[]', dedup: '{}', schedule_seconds: null, is_enabled: true, tlp: 'amber', provider: null, accuracy: null, code: null, created_at: now, updated_at: now, next_run_at: null, http_etag: null, http_last_modified: null, last_run_at: over.last_run_at ?? null, last_result: null, last_error: null, reports_total: over.reports_total ?? 0, events_total: over.events_total ?? 0, errors_total: over.errors_total ?? 0, last_report_at: null, last_report_events_per_sec: over.last_report_events_per_sec ?? null })
    .execute();
  return id;
}

export type TestEvent = { at: string; org: string | null; feed: string; ip?: string; asn?: number; type?: string; taxonomy?: string; extra?: Record<string, unknown>; fqdn?: string };

/** Stores events directly in the events table, with the harmonized fields the pipeline would write. */
export async function insertEvents(db: Kysely<DB>, events: readonly TestEvent[]): Promise<void> {
  for (const [i, e] of events.entries()) {
    const data: Record<string, unknown> = {
      'time.observation': e.at,
      'time.source': e.at,
      'feed.name': 'test-feed',
      'classification.taxonomy': e.taxonomy ?? 'malicious-code',
      'classification.type': e.type ?? 'infected-system',
      ...(e.ip ? { 'source.ip': e.ip } : {}),
      ...(e.asn ? { 'source.asn': e.asn } : {}),
      ...(e.fqdn ? { 'source.fqdn': e.fqdn } : {}),
      ...(e.extra ? { extra: e.extra } : {}),
      raw: Buffer.from(`line ${i}`).toString('base64'),
    };
    await sql`insert into events (time_observation, time_source, feed_id, report_id, line_no, organization_id, classification_taxonomy, classification_type, source_ip, source_asn, source_fqdn, tlp, dedup_key, data)
      values (${e.at}::timestamptz, ${e.at}::timestamptz, ${e.feed}::uuid, ${randomUUID()}::uuid, ${i + 1}, ${e.org}::uuid, ${e.taxonomy ?? 'malicious-code'}, ${e.type ?? 'infected-system'},
        ${e.ip ?? null}::inet, ${e.asn ?? null}::int8, ${e.fqdn ?? null}, 'amber', ${randomUUID()}, ${JSON.stringify(data)}::jsonb)`.execute(db);
  }
}

/** An API key of a signed-in user, created through the API (what a constituent's system would use). */
export async function apiKeyFor(t: TestApp, s: Session, scopes: string[]): Promise<Session> {
  const res = await t.request('/api/v1/api-keys', { method: 'POST', as: s, body: JSON.stringify({ name: 'pull', scopes }) });
  if (res.status !== 201) throw new Error(`api key: ${res.status} ${await res.text()}`);
  return { apiKey: ((await res.json()) as { key: string }).key, userId: s.userId };
}
