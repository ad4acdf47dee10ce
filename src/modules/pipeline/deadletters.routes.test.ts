import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { testEngine } from '../../platform/db/testing.ts';

const CSV = { header: true, mapping: { ip: 'source.ip', port: 'source.port' }, constants: { 'classification.type': 'scanner' } };

describe(`feed dead letters API (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;
  let constituent: Session;

  beforeAll(async () => {
    t = await createTestApp();
    analyst = await t.signIn('analyst');
    const org = await t.createOrg('Dead Letters Org');
    constituent = await t.signIn('constituent', { organizationId: org.id });
  });
  afterAll(() => t.close());

  const post = (path: string, body: unknown, as = analyst) => t.request(path, { method: 'POST', body: JSON.stringify(body), as });
  const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
  const countEvents = async (reportId: string) =>
    Number((await t.database.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('report_id', '=', reportId).executeTakeFirstOrThrow()).n);

  /** A push feed with one stored report whose chunks failed every attempt (as the processor leaves them). */
  async function feedWithDeadReport(name: string, lines: string) {
    const created = await post('/api/v1/feeds', { name, kind: 'push', format: 'csv', parser: CSV, dedup: { windowHours: 0 } });
    expect(created.status).toBe(201);
    const feed = (await created.json()) as { id: string };
    const pushed = await t.request(`/api/v1/feeds/${feed.id}/reports`, { method: 'POST', body: `ip,port\n${lines}`, headers: { 'content-type': 'text/csv' }, as: analyst });
    const { reportId } = (await pushed.json()) as { reportId: string };
    const db = t.database.db;
    await db.updateTable('feed_chunks').set({ state: 'dead', attempts: 5, last_error: 'database went away' }).where('report_id', '=', reportId).execute();
    await db.updateTable('feed_reports').set({ state: 'dead', finished_at: new Date() }).where('id', '=', reportId).execute();
    const chunks = await db.selectFrom('feed_chunks').select('id').where('report_id', '=', reportId).execute();
    return { feedId: feed.id, reportId, chunkIds: chunks.map((c) => c.id) };
  }

  it('lists a feed\'s dead chunks with their last error, for analysts only', async () => {
    const { feedId, reportId, chunkIds } = await feedWithDeadReport('dead-list', '198.51.100.1,80\n198.51.100.2,81\n');
    const res = await t.request(`/api/v1/feeds/${feedId}/dead-chunks`, { as: analyst });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { id: number; reportId: string; firstLine: number; attempts: number; lastError: string }[] };
    expect(body.items).toEqual([expect.objectContaining({ id: chunkIds[0], reportId, attempts: 5, lastError: 'database went away' })]);
    expect(await code(await t.request(`/api/v1/feeds/${feedId}/dead-chunks`, { as: constituent }))).toBe('auth.forbidden');
    expect(await code(await t.request(`/api/v1/feeds/00000000-0000-4000-8000-000000000000/dead-chunks`, { as: analyst }))).toBe('feed.not_found');
  });

  it('requeues every dead chunk (audited), and the report is processed exactly once', async () => {
    const { feedId, reportId } = await feedWithDeadReport('dead-requeue', '198.51.100.10,80\n198.51.100.11,81\n198.51.100.12,82\n');
    expect(await countEvents(reportId)).toBe(0);
    const res = await post(`/api/v1/feeds/${feedId}/dead-chunks/requeue`, {});
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ requeued: 1 });
    const report = await t.database.db.selectFrom('feed_reports').select(['state', 'finished_at']).where('id', '=', reportId).executeTakeFirstOrThrow();
    expect(report).toEqual({ state: 'queued', finished_at: null });
    await t.vigil.pipeline.processor.processPending();
    expect(await countEvents(reportId)).toBe(3);
    const done = await t.database.db.selectFrom('feed_reports').select('state').where('id', '=', reportId).executeTakeFirstOrThrow();
    expect(done.state).toBe('done');
    const list = (await (await t.request(`/api/v1/feeds/${feedId}/dead-chunks`, { as: analyst })).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('entity_id', '=', feedId).where('action', '=', 'feed.dead_chunks_requeued').execute();
    expect(audit).toHaveLength(1);
    // Nothing dead is left: a second requeue changes nothing and writes no audit entry.
    expect(await (await post(`/api/v1/feeds/${feedId}/dead-chunks/requeue`, {})).json()).toEqual({ requeued: 0, chunkIds: [] });
  });

  it('requeues nothing when one of the ids is not a dead chunk of this feed', async () => {
    const a = await feedWithDeadReport('dead-a', '198.51.100.20,80\n');
    const b = await feedWithDeadReport('dead-b', '198.51.100.21,80\n');
    const res = await post(`/api/v1/feeds/${a.feedId}/dead-chunks/requeue`, { chunkIds: [...a.chunkIds, ...b.chunkIds] });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; details: { chunkIds: number[] } } };
    expect(body.error.code).toBe('feed.dead_chunk_not_found');
    expect(body.error.details.chunkIds).toEqual(b.chunkIds);
    const states = await t.database.db.selectFrom('feed_chunks').select('state').where('id', 'in', [...a.chunkIds, ...b.chunkIds]).execute();
    expect(states.map((s) => s.state)).toEqual(['dead', 'dead']);
  });

  it('refuses a requeue by a constituent and a malformed body', async () => {
    const { feedId, chunkIds } = await feedWithDeadReport('dead-forbidden', '198.51.100.30,80\n');
    expect(await code(await post(`/api/v1/feeds/${feedId}/dead-chunks/requeue`, { chunkIds }, constituent))).toBe('auth.forbidden');
    const bad = await post(`/api/v1/feeds/${feedId}/dead-chunks/requeue`, { chunkIds: ['x'] });
    expect(bad.status).toBe(400);
    expect(await code(bad)).toBe('validation.failed');
  });
});
