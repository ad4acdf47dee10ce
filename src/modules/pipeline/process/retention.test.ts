import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../../test-support/app.ts';
import { createReportsRepository } from './reports.repository.ts';
import { purgeRawReports } from './retention.ts';

const CSV = { header: true, mapping: { ip: 'source.ip', port: 'source.port' }, constants: { 'classification.type': 'scanner' } };
const DAY = 86_400_000;

describe(`raw report retention (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;
  beforeAll(async () => {
    t = await createTestApp();
    analyst = await t.signIn('analyst');
  });
  afterAll(() => t.close());

  const chunks = (reportId: string) => t.database.db.selectFrom('feed_chunks').select(['state']).where('report_id', '=', reportId).orderBy('seq').execute();

  it('deletes the raw content of reports finished before the window, keeps the rest, and audits what it removed', async () => {
    const created = await t.request('/api/v1/feeds', { method: 'POST', as: analyst, body: JSON.stringify({ name: 'retention', kind: 'push', format: 'csv', parser: CSV, dedup: { windowHours: 0 } }) });
    const feed = (await created.json()) as { id: string };
    const push = async (body: string) => {
      const res = await t.request(`/api/v1/feeds/${feed.id}/reports`, { method: 'POST', body, headers: { 'content-type': 'text/csv' }, as: analyst });
      return (await res.json()) as { reportId: string; duplicate: boolean };
    };
    const old = await push('ip,port\n198.51.100.1,80\n198.51.100.2,81\n');
    const recent = await push('ip,port\n198.51.100.3,82\n');
    await t.vigil.pipeline.processor.processPending();
    const db = t.database.db;
    const now = Date.now();
    await db.updateTable('feed_reports').set({ finished_at: new Date(now - 31 * DAY) }).where('id', '=', old.reportId).execute();
    await db.updateTable('feed_reports').set({ finished_at: new Date(now - 29 * DAY) }).where('id', '=', recent.reportId).execute();
    // A dead letter of an old report stays: it can still be requeued.
    const dead = await push('ip,port\n198.51.100.4,83\n');
    await db.updateTable('feed_chunks').set({ state: 'dead' }).where('report_id', '=', dead.reportId).execute();
    await db.updateTable('feed_reports').set({ state: 'dead', finished_at: new Date(now - 40 * DAY) }).where('id', '=', dead.reportId).execute();
    expect(await chunks(old.reportId)).toEqual([{ state: 'done' }]);

    const deps = { db, repo: createReportsRepository(), audit: t.vigil.services.audit, clock: { now: () => new Date(now) } };
    const r = await purgeRawReports(deps, 30);
    expect(r).toMatchObject({ reports: 1, chunks: 1 });
    expect(r.bytes).toBeGreaterThan(0);
    expect(await chunks(old.reportId)).toEqual([]);
    expect(await chunks(recent.reportId)).toEqual([{ state: 'done' }]);
    expect(await chunks(dead.reportId)).toEqual([{ state: 'dead' }]);
    // The report row, its events and its content address stay: the same content is still a duplicate.
    const events = await db.selectFrom('events').select('id').where('report_id', '=', old.reportId).execute();
    expect(events).toHaveLength(2);
    expect(await push('ip,port\n198.51.100.1,80\n198.51.100.2,81\n')).toEqual(expect.objectContaining({ reportId: old.reportId, duplicate: true }));
    const audit = await db.selectFrom('audit_log').select(['action', 'after']).where('action', '=', 'pipeline.raw_reports_purged').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ reports: 1, chunks: 1, retentionDays: 30 });
    // Nothing more to do; 0 days keeps everything.
    expect(await purgeRawReports(deps, 30)).toEqual({ reports: 0, chunks: 0, bytes: 0 });
    expect(await purgeRawReports({ ...deps, clock: { now: () => new Date(now + 400 * DAY) } }, 0)).toEqual({ reports: 0, chunks: 0, bytes: 0 });
    expect(await chunks(recent.reportId)).toEqual([{ state: 'done' }]);
  });
});
