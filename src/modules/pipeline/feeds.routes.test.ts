import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { testEngine } from '../../platform/db/testing.ts';

const CSV = { header: true, mapping: { ip: 'source.ip', port: 'source.port' }, constants: { 'classification.type': 'scanner' } };

export function csvReport(lines: number, start = 1): string {
  const rows = ['ip,port'];
  for (let i = start; i < start + lines; i++) rows.push(`198.51.${(i >> 8) & 255}.${i & 255},${1000 + (i % 60000)}`);
  return `${rows.join('\n')}\n`;
}

describe(`feeds API (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;
  let constituent: Session;

  beforeAll(async () => {
    t = await createTestApp({ VIGIL_PIPELINE_MAX_QUEUED_BYTES: String(64 * 1024) });
    analyst = await t.signIn('analyst');
    const org = await t.createOrg('Feeds Org');
    constituent = await t.signIn('constituent', { organizationId: org.id });
  });
  afterAll(() => t.close());

  const post = (path: string, body: unknown, as = analyst) => t.request(path, { method: 'POST', body: JSON.stringify(body), as });
  const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
  const createPush = async (name: string, over: Record<string, unknown> = {}) => {
    const res = await post('/api/v1/feeds', { name, kind: 'push', format: 'csv', parser: CSV, dedup: { windowHours: 0 }, ...over });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; version: number };
  };
  const push = (id: string, body: string | ReadableStream<Uint8Array>, as = analyst) =>
    t.request(`/api/v1/feeds/${id}/reports`, { method: 'POST', body, headers: { 'content-type': 'text/csv' }, as, ...(typeof body === 'string' ? {} : { duplex: 'half' }) } as RequestInit & { as: Session });

  it('creates, lists, changes and deletes a feed (audited)', async () => {
    const feed = await createPush('crud-feed');
    const list = (await (await t.request('/api/v1/feeds', { as: analyst })).json()) as { items: { name: string }[] };
    expect(list.items.map((f) => f.name)).toContain('crud-feed');
    const patched = await t.request(`/api/v1/feeds/${feed.id}`, { method: 'PATCH', body: JSON.stringify({ version: feed.version, tlp: 'green' }), as: analyst });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { tlp: string }).tlp).toBe('green');
    const stale = await t.request(`/api/v1/feeds/${feed.id}`, { method: 'PATCH', body: JSON.stringify({ version: feed.version, tlp: 'red' }), as: analyst });
    expect(await code(stale)).toBe('feed.version_conflict');
    expect((await t.request(`/api/v1/feeds/${feed.id}`, { method: 'DELETE', as: analyst })).status).toBe(204);
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('entity_id', '=', feed.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['feed.created', 'feed.updated', 'feed.deleted']);
  });

  it('names the field at fault in parser, rules and dedup', async () => {
    const res = await post('/api/v1/feeds', { name: 'bad-feed', kind: 'push', format: 'csv', parser: { header: true, mapping: { ip: 'source.nope' } }, rules: { rules: 5 }, dedup: { windowHours: -1 } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { issues: { path: string }[] } } };
    expect(body.error.code).toBe('validation.failed');
    const paths = body.error.details.issues.map((i) => i.path);
    expect(paths).toContain('parser.mapping.ip');
    expect(paths).toContain('rules.rules');
    expect(paths).toContain('dedup.windowHours');
  });

  it('refuses a duplicate name and a constituent', async () => {
    await createPush('dup-name');
    expect(await code(await post('/api/v1/feeds', { name: 'dup-name', kind: 'push', format: 'csv', parser: CSV }))).toBe('feed.name_taken');
    expect(await code(await post('/api/v1/feeds', { name: 'x-feed', kind: 'push', format: 'csv', parser: CSV }, constituent))).toBe('auth.forbidden');
  });

  it.each([['http://127.0.0.1/feed.csv'], ['http://10.1.1.1/x'], ['http://169.254.169.254/latest/meta-data/'], ['http://[::1]/x'], ['http://localhost/x']])(
    'refuses an http feed at %s (feed.url_forbidden)',
    async (url) => {
      const res = await post('/api/v1/feeds', { name: `ssrf-${Math.random().toString(36).slice(2, 8)}`, kind: 'http', format: 'csv', parser: CSV, scheduleSeconds: 3600, config: { url } });
      expect(res.status).toBe(400);
      expect(await code(res)).toBe('feed.url_forbidden');
    },
  );

  it('stores a pushed report before answering, once per content, and processes it exactly once', async () => {
    const feed = await createPush('push-feed');
    const body = csvReport(500);
    const first = await push(feed.id, body);
    expect(first.status).toBe(201);
    const stored = (await first.json()) as { reportId: string; duplicate: boolean; lines: number };
    expect(stored).toMatchObject({ duplicate: false, lines: 501 });
    const again = await push(feed.id, body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ reportId: stored.reportId, duplicate: true });
    await t.vigil.pipeline.processor.processPending();
    const events = await t.database.db.selectFrom('events').select((eb) => [eb.fn.countAll<number>().as('n'), sql<number>`count(distinct line_no)`.as('lines')]).where('report_id', '=', stored.reportId).executeTakeFirstOrThrow();
    expect(Number(events.n)).toBe(500);
    expect(Number(events.lines)).toBe(500);
    const report = await t.database.db.selectFrom('feed_reports').selectAll().where('id', '=', stored.reportId).executeTakeFirstOrThrow();
    expect(report.state).toBe('done');
    const f = (await (await t.request(`/api/v1/feeds/${feed.id}`, { as: analyst })).json()) as { status: { events: number; reports: number } };
    expect(f.status).toMatchObject({ events: 500, reports: 1 });
  });

  it('keeps nothing of a push that breaks midway', async () => {
    const feed = await createPush('broken-push');
    const enc = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(enc.encode(csvReport(50)));
        ctl.error(new Error('client went away'));
      },
    });
    const res = await push(feed.id, stream).catch(() => null);
    expect(res === null || res.status >= 400).toBe(true);
    const left = await t.database.db.selectFrom('feed_reports').select('id').where('feed_id', '=', feed.id).execute();
    const chunks = await t.database.db.selectFrom('feed_chunks').select('id').where('feed_id', '=', feed.id).execute();
    expect([left.length, chunks.length]).toEqual([0, 0]);
  });

  it('answers 503 pipeline.backpressure with Retry-After when the queue is full', async () => {
    const feed = await createPush('pressure-feed');
    const big = csvReport(4000); // about 80 KiB of queued chunks: over the 64 KiB limit of this app
    expect((await push(feed.id, big)).status).toBe(201);
    const res = await push(feed.id, csvReport(10, 50_000));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(await code(res)).toBe('pipeline.backpressure');
    await t.vigil.pipeline.processor.processPending();
    expect((await push(feed.id, csvReport(10, 50_000))).status).toBe(201);
  });

  it('logs bad lines with their line numbers and goes on', async () => {
    const feed = await createPush('bad-lines');
    const res = await push(feed.id, 'ip,port\n1.2.3.4,80\n999.1.1.1,80\n5.6.7.8,81\n');
    const { reportId } = (await res.json()) as { reportId: string };
    await t.vigil.pipeline.processor.processPending();
    const errors = (await (await t.request(`/api/v1/feeds/${feed.id}/errors`, { as: analyst })).json()) as { items: { line: number; reportId: string }[] };
    expect(errors.items.map((e) => [e.line, e.reportId])).toEqual([[3, reportId]]);
    const n = await t.database.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('report_id', '=', reportId).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(2);
  });
});
