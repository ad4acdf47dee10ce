import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../platform/db/testing.ts';
import { createWorker, enqueue } from '../../platform/jobs/index.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import { createNotifyHarness, resetNotifyTables, silentLog, startHttpServer } from './notify.test-support.ts';

const SECRET = 'whsec_test_secret_0123456789';

describe(`notify: signed webhooks (${testEngine()})`, () => {
  let database: Database;
  let now: Date;
  let receiver: Awaited<ReturnType<typeof startHttpServer>>;
  const clock = { now: () => now };
  const later = (ms = 2 * 3600_000) => (now = new Date(now.getTime() + ms));
  const row = (id: string) => database.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());
  beforeEach(async () => {
    now = new Date('2026-03-01T08:00:00Z');
    await resetNotifyTables(database);
    receiver = await startHttpServer();
  });
  afterEach(async () => receiver.close());

  function setup(opts: { webhookTimeoutMs?: number } = {}) {
    const h = createNotifyHarness(database, clock, opts);
    const endpoint = (over: { url?: string; eventTypes?: string[]; isActive?: boolean; name?: string } = {}) =>
      h.service.createEndpoint({ name: over.name ?? 'Partner SIEM', url: over.url ?? `${receiver.url}/hooks/vigil`, eventTypes: over.eventTypes ?? ['incident.created'], secret: SECRET, isActive: over.isActive ?? true }, SYSTEM_ACTOR);
    const send = (event = 'incident.created', payload: unknown = { incidentId: 'INC-7', severity: 'high' }, dedupeKey?: string) =>
      database.db.transaction().execute((tx) => h.service.sendWebhook(tx, { event, payload, related: { type: 'incident', id: 'INC-7' }, dedupeKey }));
    return { ...h, endpoint, send };
  }

  it('POSTs the event as JSON with a signature the receiver can recompute', async () => {
    const { endpoint, send, worker } = setup();
    await endpoint();
    const [ref] = await send();
    expect(await worker.drain()).toBe(1);
    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0];
    if (!req || !ref) throw new Error('expected one delivery');
    expect(req).toMatchObject({ method: 'POST', path: '/hooks/vigil' });
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-vigil-event']).toBe('incident.created');
    expect(req.headers['x-vigil-delivery']).toBe(ref.id);
    const timestamp = req.headers['x-vigil-timestamp'];
    expect(timestamp).toBe(String(now.getTime() / 1000));
    const expected = `sha256=${createHmac('sha256', SECRET).update(`${String(timestamp)}.${req.body}`).digest('hex')}`;
    expect(req.headers['x-vigil-signature']).toBe(expected);
    expect(JSON.parse(req.body)).toEqual({ id: ref.id, event: 'incident.created', createdAt: now.toISOString(), data: { incidentId: 'INC-7', severity: 'high' } });
    expect(await row(ref.id)).toMatchObject({ status: 'sent', attempts: 1, sent_at: now, related_type: 'incident', related_id: 'INC-7' });
  });

  it('retries after an HTTP 500 and delivers the same document on the next attempt', async () => {
    const { endpoint, send, worker } = setup();
    await endpoint();
    receiver.answer({ status: 500, body: 'database is on fire' });
    const [ref] = await send();
    if (!ref) throw new Error('expected a notification');
    await worker.drain();
    expect(await row(ref.id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'webhook answered HTTP 500: database is on fire' });
    later();
    expect(await worker.drain()).toBe(1);
    expect(await row(ref.id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]?.body).toBe(receiver.requests[0]?.body);
    expect(receiver.requests.map((r) => r.headers['x-vigil-delivery'])).toEqual([ref.id, ref.id]);
  });

  it('fails a notification after its last attempt', async () => {
    const { endpoint, send, worker } = setup();
    await endpoint();
    receiver.answer(...Array.from({ length: 8 }, () => ({ status: 503 })));
    const [ref] = await send();
    if (!ref) throw new Error('expected a notification');
    for (let i = 0; i < 10; i++) {
      await worker.drain();
      later();
    }
    expect(receiver.requests).toHaveLength(8);
    expect(await row(ref.id)).toMatchObject({ status: 'failed', attempts: 8, last_error: 'webhook answered HTTP 503' });
  });

  it('delivers exactly once when the worker that claimed the job crashed', async () => {
    const { endpoint, send, notify } = setup();
    await endpoint();
    const [ref] = await send();
    if (!ref) throw new Error('expected a notification');
    // The first worker claimed the job and died before doing anything.
    await sql`update jobs set state = 'running', locked_at = ${now}, locked_by = 'crashed-worker', attempts = 1`.execute(database.db);
    const next = createWorker({ db: database.db, jobs: notify.jobs, log: silentLog, clock, leaseMs: 60_000 });
    expect(await next.drain()).toBe(0);
    later(61_000);
    expect(await next.drain()).toBe(1);
    expect(receiver.requests).toHaveLength(1);
    // A stray second job for the same notification (a crash after the send) sends nothing more.
    const deliverJob = notify.jobs[0];
    if (!deliverJob) throw new Error('expected the deliver job');
    await enqueue(database.db, clock, deliverJob, { notificationId: ref.id });
    const restarted = createWorker({ db: database.db, jobs: notify.jobs, log: silentLog, clock });
    expect(await restarted.drain()).toBe(1);
    expect(receiver.requests).toHaveLength(1);
    expect(await row(ref.id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('fans an event out to every active endpoint subscribed to it, or to every event', async () => {
    const { endpoint, send, worker } = setup();
    const a = await endpoint({ name: 'A', eventTypes: ['incident.created', 'incident.closed'] });
    const all = await endpoint({ name: 'All', eventTypes: ['*'] });
    await endpoint({ name: 'Reports only', eventTypes: ['report.received'] });
    await endpoint({ name: 'Inactive', isActive: false });
    const refs = await send();
    const rows = await database.db.selectFrom('notifications').select(['recipient', 'event']).orderBy('recipient').execute();
    expect(rows.map((r) => r.recipient).sort()).toEqual([a.endpoint.id, all.endpoint.id].sort());
    expect(refs).toHaveLength(2);
    expect(await worker.drain()).toBe(2);
    expect(receiver.requests).toHaveLength(2);
    expect(new Set(receiver.requests.map((r) => r.headers['x-vigil-delivery'])).size).toBe(2);
  });

  it('deduplicates per endpoint with a dedupe key', async () => {
    const { endpoint, send } = setup();
    await endpoint({ name: 'A' });
    await endpoint({ name: 'B' });
    const first = await send('incident.created', { n: 1 }, 'incident:INC-7:created');
    const again = await send('incident.created', { n: 1 }, 'incident:INC-7:created');
    expect(first.map((r) => r.isDuplicate)).toEqual([false, false]);
    expect(again.map((r) => r.isDuplicate)).toEqual([true, true]);
    expect(again.map((r) => r.id)).toEqual(first.map((r) => r.id));
    expect(await database.db.selectFrom('notifications').select('id').execute()).toHaveLength(2);
    expect(await database.db.selectFrom('jobs').select('id').execute()).toHaveLength(2);
  });

  it('never follows a redirect to another host', async () => {
    const elsewhere = await startHttpServer();
    try {
      const { endpoint, send, worker } = setup();
      await endpoint();
      receiver.answer({ status: 307, headers: { location: `${elsewhere.url}/steal` } });
      const [ref] = await send();
      if (!ref) throw new Error('expected a notification');
      await worker.drain();
      expect(elsewhere.requests).toHaveLength(0);
      expect(await row(ref.id)).toMatchObject({ status: 'pending', last_error: expect.stringContaining('HTTP 307; redirects are followed only') });
    } finally {
      await elsewhere.close();
    }
  });

  it('follows a 307 within the endpoint origin with the same signed request', async () => {
    const { endpoint, send, worker } = setup();
    await endpoint();
    receiver.answer({ status: 307, headers: { location: '/hooks/v2' } });
    const [ref] = await send();
    if (!ref) throw new Error('expected a notification');
    await worker.drain();
    expect(receiver.requests.map((r) => [r.method, r.path])).toEqual([
      ['POST', '/hooks/vigil'],
      ['POST', '/hooks/v2'],
    ]);
    expect(receiver.requests[1]?.headers['x-vigil-signature']).toBe(receiver.requests[0]?.headers['x-vigil-signature']);
    expect(await row(ref.id)).toMatchObject({ status: 'sent' });
  });

  it('gives up on an endpoint that does not answer within the timeout', async () => {
    const { endpoint, send, worker } = setup({ webhookTimeoutMs: 200 });
    await endpoint();
    receiver.answer('hang');
    const [ref] = await send();
    if (!ref) throw new Error('expected a notification');
    await worker.drain();
    expect(await row(ref.id)).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringMatching(/timed out$/) });
  });

  it('fails what is pending for an endpoint when it is deleted, without sending', async () => {
    const { endpoint, send, worker, service } = setup();
    const { endpoint: ep } = await endpoint();
    const [ref] = await send();
    if (!ref) throw new Error('expected a notification');
    await service.deleteEndpoint(ep.id, SYSTEM_ACTOR);
    expect(await row(ref.id)).toMatchObject({ status: 'failed', attempts: 0, last_error: expect.stringMatching(/^notify\.endpoint_deleted/) });
    expect(await worker.drain()).toBe(1);
    expect(receiver.requests).toHaveLength(0);
    expect(await database.db.selectFrom('jobs').select('id').execute()).toHaveLength(0);
  });

  it('refuses an event type that is not one', async () => {
    const { service } = setup();
    await expect(service.sendWebhook(database.db, { event: 'Incident Created!', payload: {} })).rejects.toMatchObject({ code: 'notify.invalid_event' });
  });
});
