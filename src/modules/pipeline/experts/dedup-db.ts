/**
 * The database deduplicator: table `event_dedup (key, expires_at)`, shared by every process.
 *
 * One statement per batch, in the caller's transaction (the chunk's): a key is inserted, or an
 * expired key is re-armed, and RETURNING names exactly the keys that are new. A concurrent
 * transaction inserting the same key waits for ours on the primary key and then sees a live key,
 * so across processes each key is new once per window. If the chunk rolls back, so do its keys.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import type { ScheduledTask } from '../../../platform/jobs/index.ts';
import type { Clock } from '../../../platform/clock.ts';
import { DEFAULT_DEDUP_WINDOW_MS, type Deduplicator } from './dedup.ts';

/** A deduplicator over `event_dedup` with the given window. */
export function createDbDeduplicator(deps: { db: Kysely<DB>; windowMs?: number }): Deduplicator {
  const windowMs = deps.windowMs ?? DEFAULT_DEDUP_WINDOW_MS;
  return {
    async check(keys, now, tx = deps.db) {
      // ON CONFLICT DO UPDATE may not touch a row twice in one statement: send each key once.
      const unique = [...new Set(keys)];
      if (unique.length === 0) return [];
      const expires = new Date(now.getTime() + windowMs).toISOString();
      const { rows } = await sql<{ key: string }>`
        insert into event_dedup (key, expires_at)
        select k, ${expires}::timestamptz from unnest(${unique}::text[]) as k
        on conflict (key) do update set expires_at = excluded.expires_at
          where event_dedup.expires_at <= ${now.toISOString()}::timestamptz
        returning key`.execute(tx);
      const fresh = new Set(rows.map((r) => r.key));
      return keys.map((k) => fresh.delete(k)); // true for the first occurrence only
    },
  };
}

/** Deletes expired keys in batches of `batch` (short statements, no long lock); returns how many. */
export async function purgeExpiredDedupKeys(db: Kysely<DB>, now: Date, batch = 50_000): Promise<number> {
  let total = 0;
  for (;;) {
    const res = await sql`
      delete from event_dedup where key in (
        select key from event_dedup where expires_at <= ${now.toISOString()}::timestamptz limit ${batch})`.execute(db);
    const n = Number(res.numAffectedRows ?? 0);
    total += n;
    if (n < batch) return total;
  }
}

/** The scheduled task that purges expired dedup keys (wire it into the app's tasks). */
export function dedupPurgeTask(deps: { db: Kysely<DB>; clock: Clock; everyMs?: number }): ScheduledTask {
  return {
    name: 'pipeline.purge_dedup_keys',
    everyMs: deps.everyMs ?? 15 * 60_000,
    run: async () => {
      await purgeExpiredDedupKeys(deps.db, deps.clock.now());
    },
  };
}
