import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

/** SQL the dead-letter requeue needs besides the chunk queue's own (process/queue.repository.ts). */
export function createDeadLettersRepository() {
  return {
    /** Locks the feed's dead chunks (all, or the given ids) for the requeue transaction. */
    lockDead: (tx: Kysely<DB>, feedId: string, ids: readonly number[] | null, limit: number) => {
      let q = tx.selectFrom('feed_chunks').select(['id', 'report_id']).where('feed_id', '=', feedId).where('state', '=', 'dead');
      if (ids) q = q.where('id', 'in', ids);
      return q.orderBy('id').limit(limit).forUpdate().execute();
    },

    /** A report finished as dead is open again once one of its chunks is back in the queue. */
    reopenReports: (tx: Kysely<DB>, reportIds: readonly string[]) =>
      tx.updateTable('feed_reports').set({ state: 'queued', finished_at: null }).where('id', 'in', reportIds).where('state', '=', 'dead').execute(),
  };
}

export type DeadLettersRepository = ReturnType<typeof createDeadLettersRepository>;
