import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { DB } from '../db/schema.ts';
import type { JobDefinition } from './define.ts';

export type EnqueueOptions = { runAt?: Date; dedupeKey?: string };

/**
 * Puts a job on the queue, inside the caller's transaction when `db` is one, so that the job exists
 * exactly when the change that asked for it commits. A `dedupeKey` already queued is a no-op.
 */
export async function enqueue<P>(db: Kysely<DB>, clock: Clock, job: JobDefinition<P>, payload: P, opts: EnqueueOptions = {}): Promise<void> {
  const checked = job.payload.parse(payload);
  const now = clock.now();
  await db
    .insertInto('jobs')
    .values({
      name: job.name,
      payload: JSON.stringify(checked),
      state: 'queued',
      run_at: opts.runAt ?? now,
      max_attempts: job.maxAttempts,
      dedupe_key: opts.dedupeKey ?? null,
      created_at: now,
    })
    .onConflict((oc) => oc.column('dedupe_key').where('dedupe_key', 'is not', null).doNothing())
    .execute();
}
