import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import type { DeadLettersRepository } from './deadletters.repository.ts';
import type { FeedsService } from './feeds.service.ts';
import type { QueueRepository } from './process/queue.repository.ts';

/** The most chunks one requeue takes (a larger backlog is requeued in several calls). */
export const MAX_REQUEUE = 1000;

export type DeadLettersDeps = {
  db: Kysely<DB>;
  queue: QueueRepository;
  repo: DeadLettersRepository;
  feeds: Pick<FeedsService, 'get'>;
  audit: AuditService;
  clock: Clock;
  /** Called after chunks went back to the queue (wakes the chunk workers). */
  onRequeued?: () => void;
};

/**
 * A feed's dead letters: chunks that failed every attempt. They are listed with their last error
 * and, once the cause is fixed, put back in the queue (audited). A dead chunk stored nothing (its
 * transaction rolled back), so a requeue cannot store an event twice.
 */
export function createDeadLettersService(deps: DeadLettersDeps) {
  const { db, queue, repo, feeds, audit, clock } = deps;
  return {
    /** Dead chunks of a feed, newest first (404 for an unknown feed). */
    async list(feedId: string, limit: number) {
      await feeds.get(feedId);
      return queue.listDead(db, feedId, limit);
    },

    /**
     * Requeues the given dead chunks of a feed (all of them, up to MAX_REQUEUE, when `chunkIds` is
     * null). All or nothing: an id that is not a dead chunk of this feed answers 404 and requeues none.
     */
    async requeue(feedId: string, chunkIds: readonly number[] | null, actor: Actor): Promise<{ requeued: number; chunkIds: number[] }> {
      await feeds.get(feedId);
      const wanted = chunkIds ? [...new Set(chunkIds)] : null;
      const done = await db.transaction().execute(async (tx) => {
        const dead = await repo.lockDead(tx, feedId, wanted, MAX_REQUEUE);
        const missing = wanted?.filter((id) => !dead.some((d) => d.id === id)) ?? [];
        if (missing.length) throw new AppError('feed.dead_chunk_not_found', `Not a dead chunk of this feed: ${missing.join(', ')}`, 404, { chunkIds: missing });
        if (!dead.length) return [];
        const now = clock.now();
        for (const d of dead) await queue.requeueDead(tx, feedId, d.id, now);
        const reportIds = [...new Set(dead.map((d) => d.report_id))];
        await repo.reopenReports(tx, reportIds);
        const ids = dead.map((d) => d.id);
        await audit.append(tx, actor, { action: 'feed.dead_chunks_requeued', entityType: 'feed', entityId: feedId, after: { chunkIds: ids, reportIds } });
        return ids;
      });
      if (done.length) deps.onRequeued?.();
      return { requeued: done.length, chunkIds: done };
    },
  };
}

export type DeadLettersService = ReturnType<typeof createDeadLettersService>;
