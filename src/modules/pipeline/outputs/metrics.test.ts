import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../../platform/db/testing.ts';
import { createTestApp, type TestApp } from '../../../test-support/app.ts';
import { renderPrometheus } from './metrics.format.ts';
import { apiKeyFor, insertFeed } from './outputs.test-support.ts';

const TOKEN = 'scrape-token-0123456789abcdef0123456789';

describe(`/metrics (${testEngine()})`, () => {
  let t: TestApp;
  let feedId: string;
  const now = new Date('2026-03-01T12:00:00Z');

  beforeAll(async () => {
    t = await createTestApp({ VIGIL_METRICS_TOKEN: TOKEN }, { clock: { now: () => now } });
    feedId = await insertFeed(t.database.db, 'shadow "scan"', { last_run_at: new Date('2026-03-01T11:00:00Z'), reports_total: 3, events_total: 1200, errors_total: 4, last_report_events_per_sec: 5000.5 });
    const report = crypto.randomUUID();
    await t.database.db.insertInto('feed_reports').values({ id: report, feed_id: feedId, sha256: 'ab', bytes: 10, lines: 2, state: 'queued', source: 'drop', source_ref: null, received_at: now }).execute();
    const chunk = (seq: number, state: 'queued' | 'dead', queuedAt: Date) => ({ report_id: report, feed_id: feedId, seq, first_line: 1, line_count: 1, bytes: 100, data: new Uint8Array([0x61]), state, run_at: queuedAt, queued_at: queuedAt });
    await t.database.db.insertInto('feed_chunks').values([chunk(0, 'queued', new Date('2026-03-01T11:59:00Z')), chunk(1, 'queued', new Date('2026-03-01T11:59:30Z')), chunk(2, 'dead', new Date('2026-03-01T11:00:00Z'))]).execute();
  });
  afterAll(async () => t.close());

  const scrape = (headers: Record<string, string> = {}) => t.vigil.app.request('/metrics', { headers });

  it('exposes per-feed status, queue depth, lag and dead chunks in the Prometheus text format', async () => {
    const res = await scrape({ authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const label = 'feed="shadow \\"scan\\"",kind="drop"';
    expect(text).toContain('# TYPE vigil_feed_events_total counter');
    expect(text).toContain(`vigil_feed_last_run_timestamp_seconds{${label}} ${Date.parse('2026-03-01T11:00:00Z') / 1000}`);
    expect(text).toContain(`vigil_feed_reports_total{${label}} 3`);
    expect(text).toContain(`vigil_feed_events_total{${label}} 1200`);
    expect(text).toContain(`vigil_feed_errors_total{${label}} 4`);
    expect(text).toContain(`vigil_feed_last_report_events_per_second{${label}} 5000.5`);
    expect(text).toContain(`vigil_feed_queue_chunks{${label}} 2`);
    expect(text).toContain(`vigil_feed_lag_seconds{${label}} 60`);
    expect(text).toContain(`vigil_feed_dead_chunks{${label}} 1`);
    expect(text).toContain('vigil_outbox_notifications{channel="email",status="pending"} 0');
    expect(text).toMatch(/^# HELP vigil_jobs_queued /m);
    // Every line is a comment or `name{labels} value`.
    for (const line of text.trimEnd().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{.*\})? [-+0-9.eE]+|\w+(\{.*\})? (NaN|[+-]Inf))$/);
  });

  it('needs the scrape token, an admin session or an API key with metrics:read', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer wrong-token' })).status).toBe(401);
    const analyst = await t.signIn('analyst');
    const denied = await t.request('/metrics', { as: analyst });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('auth.forbidden');
    const admin = await t.signIn('admin');
    expect((await t.request('/metrics', { as: admin })).status).toBe(200);
    const key = await apiKeyFor(t, admin, ['metrics:read']);
    expect((await t.request('/metrics', { as: key })).status).toBe(200);
    const otherKey = await apiKeyFor(t, admin, ['audit:read']);
    expect((await t.request('/metrics', { as: otherKey })).status).toBe(403);
  });

  it('gives the console the same queue figures as JSON at /api/v1/feed-status', async () => {
    const analyst = await t.signIn('analyst');
    const res = await t.request('/api/v1/feed-status', { as: analyst });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: unknown[] }).items).toEqual([{ feedId, queueChunks: 2, queueBytes: 200, deadChunks: 1, lagSeconds: 60 }]);
    const constituent = await t.signIn('constituent', { organizationId: (await t.createOrg('Status Org')).id });
    expect((await t.request('/api/v1/feed-status', { as: constituent })).status).toBe(403);
  });

  it('escapes label values and renders special numbers', () => {
    const text = renderPrometheus([{ name: 'm', help: 'a\\b\nc', type: 'gauge', samples: [{ labels: { x: 'q"\\\n' }, value: Number.NaN }] }]);
    expect(text).toBe('# HELP m a\\\\b\\nc\n# TYPE m gauge\nm{x="q\\"\\\\\\n"} NaN\n');
  });
});
