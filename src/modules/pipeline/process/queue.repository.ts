import type { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import { chunkBytes, fromHex } from './reports.repository.ts';

export type ClaimedChunk = { id: number; report_id: string; feed_id: string; seq: number; first_line: number; line_count: number; attempts: number };

/** SQL of the chunk queue: claim with SKIP LOCKED under a lease, finish, retry, dead letters. */
export function createQueueRepository() {
  return {
    /** Takes up to `limit` due chunks for `worker` until `leaseUntil` (other workers skip them). */
    async claim(db: Kysely<DB>, worker: string, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedChunk[]> {
      const r = await sql<ClaimedChunk>`
        update feed_chunks c set state = 'running', attempts = c.attempts + 1, lease_until = ${leaseUntil.toISOString()}::timestamptz, locked_by = ${worker}
        where c.id in (
          select id from feed_chunks where state = 'queued' and run_at <= ${now.toISOString()}::timestamptz
          order by run_at, id limit ${limit} for update skip locked)
        returning c.id, c.report_id, c.feed_id, c.seq, c.first_line, c.line_count, c.attempts`.execute(db);
      return r.rows;
    },

    /** Chunks whose worker died (lease over) go back to the queue, or to the dead letters past `maxAttempts`. */
    async reclaimExpired(db: Kysely<DB>, now: Date, maxAttempts: number): Promise<number> {
      const r = await sql`
        update feed_chunks set
          state = case when attempts >= ${maxAttempts} then 'dead' else 'queued' end,
          last_error = coalesce(last_error, '') || case when last_error is null then '' else '; ' end || 'lease expired (worker stopped)',
          lease_until = null, locked_by = null, run_at = ${now.toISOString()}::timestamptz
        where state = 'running' and lease_until < ${now.toISOString()}::timestamptz`.execute(db);
      return Number(r.numAffectedRows ?? 0);
    },

    /** Locks the chunk for its processing transaction and reads its bytes; undefined when it is no longer this worker's. */
    async lockOwned(tx: Kysely<DB>, id: number, worker: string, pglite: PGlite | null = null): Promise<{ id: number; data: Buffer } | undefined> {
      const row = await tx
        .selectFrom('feed_chunks')
        .select(['id', (pglite ? sql<string>`null` : sql<string>`encode(data, 'hex')`).as('hex')])
        .where('id', '=', id)
        .where('state', '=', 'running')
        .where('locked_by', '=', worker)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return undefined;
      const data = pglite ? await chunkBytes(pglite, id) : fromHex(row.hex);
      return data ? { id: row.id, data } : undefined;
    },

    /** Locks the chunk for its processing transaction; false when it is no longer this worker's. */
    async lockIfOwned(tx: Kysely<DB>, id: number, worker: string): Promise<boolean> {
      const row = await tx.selectFrom('feed_chunks').select('id').where('id', '=', id).where('state', '=', 'running').where('locked_by', '=', worker).forUpdate().executeTakeFirst();
      return row !== undefined;
    },

    /** A claimed chunk's bytes and its report's header, read outside its transaction (to parse it ahead of it). */
    async readClaimed(db: Kysely<DB>, id: number, reportId: string, pglite: PGlite | null): Promise<{ data: Buffer; header: string | null } | undefined> {
      const report = await db.selectFrom('feed_reports').select('header').where('id', '=', reportId).executeTakeFirst();
      if (!report) return undefined;
      const data = pglite
        ? await db.connection().execute(() => chunkBytes(pglite, id))
        : await db.selectFrom('feed_chunks').select(sql<string>`encode(data, 'hex')`.as('hex')).where('id', '=', id).executeTakeFirst().then((r) => (r ? fromHex(r.hex) : null));
      return data ? { data, header: report.header } : undefined;
    },

    markDone: (tx: Kysely<DB>, id: number, events: number, errors: number, now: Date) =>
      tx.updateTable('feed_chunks').set({ state: 'done', events, errors, done_at: now, lease_until: null, last_error: null }).where('id', '=', id).execute(),

    /** After a failed attempt: back to the queue at `runAt`, or dead when `dead`. */
    markFailed: (db: Kysely<DB>, id: number, worker: string, error: string, dead: boolean, runAt: Date) =>
      db.updateTable('feed_chunks').set({ state: dead ? 'dead' : 'queued', last_error: error.slice(0, 2000), lease_until: null, locked_by: null, run_at: runAt }).where('id', '=', id).where('locked_by', '=', worker).where('state', '=', 'running').execute(),

    /**
     * Adds a chunk's counts to its report; when no chunk of it is left to do, the report is finished
     * (done, or dead if a chunk is a dead letter). The report row lock orders the last two chunks.
     */
    async addToReport(tx: Kysely<DB>, reportId: string, events: number, errors: number, now: Date): Promise<{ finished: boolean; events: number; storedAt: Date | null; feedId: string }> {
      const rep = await tx.updateTable('feed_reports').set((eb) => ({ events: eb('events', '+', events), errors: eb('errors', '+', errors) })).where('id', '=', reportId).returning(['events', 'stored_at', 'feed_id']).executeTakeFirstOrThrow();
      const left = await sql<{ open: number; dead: number }>`select count(*) filter (where state not in ('done', 'dead'))::int as open, count(*) filter (where state = 'dead')::int as dead from feed_chunks where report_id = ${reportId}`.execute(tx);
      const { open = 0, dead = 0 } = left.rows[0] ?? {};
      if (open > 0) return { finished: false, events: rep.events, storedAt: rep.stored_at, feedId: rep.feed_id };
      await tx.updateTable('feed_reports').set({ state: dead > 0 ? 'dead' : 'done', finished_at: now }).where('id', '=', reportId).execute();
      return { finished: true, events: rep.events, storedAt: rep.stored_at, feedId: rep.feed_id };
    },

    addFeedCounts: (tx: Kysely<DB>, feedId: string, events: number, errors: number) =>
      tx.updateTable('feeds').set((eb) => ({ events_total: eb('events_total', '+', events), errors_total: eb('errors_total', '+', errors) })).where('id', '=', feedId).execute(),

    setFeedRate: (tx: Kysely<DB>, feedId: string, perSec: number) => tx.updateTable('feeds').set({ last_report_events_per_sec: perSec }).where('id', '=', feedId).execute(),

    /** Dead letters of a feed, newest first. */
    listDead: (db: Kysely<DB>, feedId: string, limit: number) =>
      db.selectFrom('feed_chunks').select(['id', 'report_id', 'seq', 'first_line', 'line_count', 'attempts', 'last_error', 'run_at']).where('feed_id', '=', feedId).where('state', '=', 'dead').orderBy('id', 'desc').limit(limit).execute(),

    /** Puts a dead chunk back in the queue (after the cause was fixed). */
    requeueDead: (db: Kysely<DB>, feedId: string, chunkId: number, now: Date) =>
      db.updateTable('feed_chunks').set({ state: 'queued', attempts: 0, run_at: now, last_error: null }).where('id', '=', chunkId).where('feed_id', '=', feedId).where('state', '=', 'dead').returning('report_id').executeTakeFirst(),
  };
}

export type QueueRepository = ReturnType<typeof createQueueRepository>;
