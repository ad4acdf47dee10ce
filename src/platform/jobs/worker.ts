import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { DB } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import type { AnyJob } from './define.ts';

export type WorkerOptions = {
  db: Kysely<DB>;
  jobs: AnyJob[];
  log: Logger;
  clock: Clock;
  concurrency?: number;
  pollMs?: number;
  /** A job running longer than this is taken to be orphaned by a crashed worker and re-queued. */
  leaseMs?: number;
};

export type Worker = ReturnType<typeof createWorker>;

/**
 * Runs queued jobs. Any number of workers on any number of hosts claim due jobs with
 * FOR UPDATE SKIP LOCKED; a failed job is retried with backoff until `maxAttempts`, then kept as
 * `dead` with its last error. Jobs left `running` by a crashed worker return to the queue.
 */
export function createWorker(opts: WorkerOptions) {
  const { db, log, clock } = opts;
  const byName = new Map<string, AnyJob>(opts.jobs.map((j) => [j.name, j]));
  const workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const concurrency = opts.concurrency ?? 4;
  const leaseMs = opts.leaseMs ?? 5 * 60_000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let stopped = false;

  async function claim(limit: number) {
    const now = clock.now();
    return db
      .updateTable('jobs')
      .set({ state: 'running', locked_at: now, locked_by: workerId, attempts: sql`attempts + 1` })
      .where('id', 'in', (eb) =>
        eb.selectFrom('jobs').select('id').where('state', '=', 'queued').where('run_at', '<=', now).orderBy('run_at').limit(limit).forUpdate().skipLocked(),
      )
      .returningAll()
      .execute();
  }

  async function finish(job: { id: number; name: string; attempts: number; max_attempts: number }, error: Error | null) {
    if (!error) {
      await db.deleteFrom('jobs').where('id', '=', job.id).execute();
      return;
    }
    const def = byName.get(job.name);
    const dead = !def || job.attempts >= job.max_attempts;
    const retryAt = new Date(clock.now().getTime() + (def ? def.backoffMs(job.attempts) : 0));
    await db
      .updateTable('jobs')
      .set({ state: dead ? 'dead' : 'queued', run_at: dead ? clock.now() : retryAt, locked_at: null, locked_by: null, last_error: error.message.slice(0, 2000) })
      .where('id', '=', job.id)
      .execute();
  }

  async function runJob(job: Awaited<ReturnType<typeof claim>>[number]): Promise<void> {
    const def = byName.get(job.name);
    const jobLog = log.child({ job: job.name, jobId: job.id, attempt: job.attempts });
    const started = performance.now();
    let error: Error | null = null;
    try {
      if (!def) throw new Error(`unknown job ${job.name}`);
      await def.handler(def.payload.parse(job.payload), { log: jobLog, jobId: job.id, attempt: job.attempts });
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
    }
    const ms = Math.round(performance.now() - started);
    if (error) jobLog.warn({ ms, err: error.message }, 'job failed');
    else jobLog.debug({ ms }, 'job done');
    await finish(job, error);
  }

  /** Re-queues jobs whose worker vanished mid-run. */
  async function recoverOrphans(): Promise<void> {
    const cutoff = new Date(clock.now().getTime() - leaseMs);
    await db.updateTable('jobs').set({ state: 'queued', locked_at: null, locked_by: null }).where('state', '=', 'running').where('locked_at', '<', cutoff).execute();
  }

  /** Claims and runs due jobs until none is due; returns how many ran. */
  async function drain(): Promise<number> {
    let total = 0;
    await recoverOrphans();
    for (;;) {
      const batch = await claim(concurrency);
      if (!batch.length) return total;
      await Promise.all(batch.map(runJob));
      total += batch.length;
      if (stopped) return total;
    }
  }

  function tick(): void {
    if (stopped || running) return;
    running = drain()
      .catch((err: unknown) => {
        log.error({ err }, 'job worker tick failed');
        return 0;
      })
      .finally(() => {
        running = null;
      });
  }

  return {
    workerId,
    drain,
    start(): void {
      stopped = false;
      timer ??= setInterval(tick, opts.pollMs ?? 1000);
      timer.unref();
      tick();
    },
    /** Stops claiming; waits for the jobs in hand to finish. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
    /** Wakes the worker now (after enqueuing in this process). */
    poke: tick,
  };
}
