import { sql } from 'kysely';
import { z } from 'zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.ts';
import { createTestDatabase, testEngine } from '../db/testing.ts';
import { createLogger } from '../logger.ts';
import { defineJob } from './define.ts';
import { enqueue } from './queue.ts';
import { createScheduler } from './scheduler.ts';
import { createWorker } from './worker.ts';

const log = createLogger('silent');

describe(`job queue and scheduler (${testEngine()})`, () => {
  let database: Database;
  let now: Date;
  const clock = { now: () => now };
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());
  beforeEach(async () => {
    now = new Date('2026-01-01T00:00:00Z');
    await sql`delete from jobs`.execute(database.db);
  });

  it('runs a queued job once and removes it', async () => {
    const seen: number[] = [];
    const job = defineJob({ name: 'test.once', payload: z.object({ n: z.number() }), handler: async (p) => void seen.push(p.n) });
    await enqueue(database.db, clock, job, { n: 7 });
    const worker = createWorker({ db: database.db, jobs: [job], log, clock });
    expect(await worker.drain()).toBe(1);
    expect(await worker.drain()).toBe(0);
    expect(seen).toEqual([7]);
  });

  it('retries a failing job after its backoff and keeps it dead after the last attempt', async () => {
    let calls = 0;
    const job = defineJob({
      name: 'test.flaky',
      payload: z.object({}),
      maxAttempts: 3,
      backoffMs: () => 60_000,
      handler: async () => {
        calls++;
        throw new Error(`boom ${calls}`);
      },
    });
    await enqueue(database.db, clock, job, {});
    const worker = createWorker({ db: database.db, jobs: [job], log, clock });
    expect(await worker.drain()).toBe(1);
    expect(await worker.drain()).toBe(0); // not due yet
    now = new Date(now.getTime() + 60_000);
    await worker.drain();
    now = new Date(now.getTime() + 60_000);
    await worker.drain();
    now = new Date(now.getTime() + 60_000);
    expect(await worker.drain()).toBe(0);
    expect(calls).toBe(3);
    const row = await database.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'dead', attempts: 3, last_error: 'boom 3' });
  });

  it('enqueues a job with a dedupe key only once', async () => {
    const job = defineJob({ name: 'test.dedupe', payload: z.object({}), handler: async () => undefined });
    await enqueue(database.db, clock, job, {}, { dedupeKey: 'k1' });
    await enqueue(database.db, clock, job, {}, { dedupeKey: 'k1' });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from jobs`.execute(database.db);
    expect(rows[0]?.n).toBe(1);
  });

  it('rejects a payload that does not match the job schema before it is stored', async () => {
    const job = defineJob({ name: 'test.schema', payload: z.object({ id: z.uuid() }), handler: async () => undefined });
    await expect(enqueue(database.db, clock, job, { id: 'nope' })).rejects.toThrow();
  });

  it('gives a job orphaned by a crashed worker to another worker after the lease', async () => {
    let runs = 0;
    const job = defineJob({ name: 'test.orphan', payload: z.object({}), handler: async () => void runs++ });
    await enqueue(database.db, clock, job, {});
    await sql`update jobs set state = 'running', locked_at = ${now}, locked_by = 'dead-worker', attempts = 1`.execute(database.db);
    const worker = createWorker({ db: database.db, jobs: [job], log, clock, leaseMs: 1000 });
    expect(await worker.drain()).toBe(0);
    now = new Date(now.getTime() + 2000);
    expect(await worker.drain()).toBe(1);
    expect(runs).toBe(1);
  });

  it('never runs one job twice when several workers drain at once', async () => {
    const ran: number[] = [];
    const job = defineJob({ name: 'test.many', payload: z.object({ i: z.number() }), handler: async (p) => void ran.push(p.i) });
    for (let i = 0; i < 40; i++) await enqueue(database.db, clock, job, { i });
    const workers = [0, 1, 2].map(() => createWorker({ db: database.db, jobs: [job], log, clock, concurrency: 3 }));
    await Promise.all(workers.map((w) => w.drain()));
    expect(ran.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('runs a scheduled task in one process per period', async () => {
    let runs = 0;
    const task = { name: `test.tick.${Math.random()}`, everyMs: 60_000, run: async () => void runs++ };
    const a = createScheduler({ db: database.db, tasks: [task], log, clock });
    const b = createScheduler({ db: database.db, tasks: [task], log, clock });
    await Promise.all([a.tick(), b.tick()]);
    expect(runs).toBe(1);
    await a.tick();
    expect(runs).toBe(1);
    now = new Date(now.getTime() + 60_000);
    await Promise.all([b.tick(), a.tick()]);
    expect(runs).toBe(2);
  });
});
