/**
 * Deduplication on the embedded engine: in memory, with the events table as the durable record.
 *
 * The embedded engine has exactly one process and one session, and its chunks are processed one
 * transaction at a time, so a process-local deduplicator (experts/dedup.ts, ~24 bytes a key, no DB
 * round trip, no b-tree insert per event) sees every key. Nothing is lost on a crash: each stored
 * event carries its dedup_key and time_observation, so a feed's deduplicator is rebuilt, on first
 * use, from its events of the last window. A chunk's keys are only checked inside its transaction
 * (`check`, nothing recorded); they are recorded once the transaction committed (`committed`), and
 * a rolled-back chunk's are dropped (`rolledBack`): no marks without a commit, no rebuild after a
 * rollback. `forget` (rebuild from the committed events on next use) stays for the unexpected.
 *
 * On a PostgreSQL server several workers share the work, so the table `event_dedup` (dedup-db.ts,
 * one statement per chunk in the chunk's transaction) stays the deduplicator there.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import { MemoryDeduplicator } from '../experts/dedup.ts';

type FeedDedup = { windowMs: number; memory: MemoryDeduplicator | null; pending: { keys: string[]; nowMs: number } | null };

/** Loads a feed's keys of the window, oldest first, into a fresh deduplicator. */
async function rebuild(tx: Kysely<DB>, feedId: string, windowMs: number, now: Date): Promise<MemoryDeduplicator> {
  const memory = new MemoryDeduplicator({ windowMs });
  const since = new Date(now.getTime() - windowMs).toISOString();
  const { rows } = await sql<{ k: string; t: Date }>`select dedup_key as k, time_observation as t from events
    where feed_id = ${feedId}::uuid and time_observation > ${since}::timestamptz order by time_observation`.execute(tx);
  let from = 0;
  for (let i = 1; i <= rows.length; i++) {
    // One batch per chunk (the rows of a chunk share their time_observation).
    if (i < rows.length && rows[i]!.t.getTime() === rows[from]!.t.getTime()) continue;
    memory.checkSync(rows.slice(from, i).map((r) => r.k), rows[from]!.t.getTime());
    from = i;
  }
  return memory;
}

/** First occurrence in the batch only (a window of zero: nothing is remembered across chunks). */
function firstInBatch(keys: readonly string[]): boolean[] {
  const seen = new Set<string>();
  return keys.map((k) => !seen.has(k) && Boolean(seen.add(k)));
}

/** The embedded engine's deduplicator: one in-memory table per feed (keys are namespaced per feed). */
export function createEmbeddedDeduplicator() {
  const feeds = new Map<string, FeedDedup>();
  return {
    /**
     * isNew per key (first occurrence within the window), recording nothing yet; call inside the
     * chunk's transaction, then `committed` after its commit (or `rolledBack`).
     */
    async check(tx: Kysely<DB>, feedId: string, windowMs: number, keys: readonly string[], now: Date): Promise<boolean[]> {
      let d = feeds.get(feedId);
      if (d?.windowMs !== windowMs) {
        d = { windowMs, memory: windowMs > 0 ? await rebuild(tx, feedId, windowMs, now) : null, pending: null };
        feeds.set(feedId, d);
      }
      if (!d.memory) return firstInBatch(keys);
      const isNew = d.memory.peekSync(keys, now.getTime());
      d.pending = { keys: keys.filter((_, i) => isNew[i]), nowMs: now.getTime() };
      return isNew;
    },
    /** The feed's chunk committed: its new keys are recorded. */
    committed(feedId: string): void {
      const d = feeds.get(feedId);
      if (d?.pending) d.memory?.markSync(d.pending.keys, d.pending.nowMs);
      if (d) d.pending = null;
    },
    /** The feed's chunk did not commit: its keys are not recorded. */
    rolledBack(feedId: string): void {
      const d = feeds.get(feedId);
      if (d) d.pending = null;
    },
    /** Drops the feed's deduplicator: rebuilt from the committed events on next use. */
    forget(feedId: string): void {
      feeds.delete(feedId);
    },
  };
}

export type EmbeddedDeduplicator = ReturnType<typeof createEmbeddedDeduplicator>;
