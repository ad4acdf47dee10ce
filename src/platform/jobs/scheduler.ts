import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { DB } from '../db/schema.ts';
import type { Logger } from '../logger.ts';

export type ScheduledTask = { name: string; everyMs: number; run: () => Promise<void> };

/**
 * Periodic singletons across every process: each tick, a process claims a task by moving its
 * `next_run_at` forward in one UPDATE; only the process whose UPDATE matched runs it this period.
 */
export function createScheduler(opts: { db: Kysely<DB>; tasks: ScheduledTask[]; log: Logger; clock: Clock; tickMs?: number }) {
  const { db, tasks, log, clock } = opts;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;

  async function claim(task: ScheduledTask): Promise<boolean> {
    const now = clock.now();
    await db.insertInto('schedules').values({ name: task.name, next_run_at: now }).onConflict((oc) => oc.column('name').doNothing()).execute();
    const won = await db
      .updateTable('schedules')
      .set({ next_run_at: new Date(now.getTime() + task.everyMs), last_run_at: now })
      .where('name', '=', task.name)
      .where('next_run_at', '<=', now)
      .returning('name')
      .executeTakeFirst();
    return won !== undefined;
  }

  async function tick(): Promise<void> {
    for (const task of tasks) {
      if (!(await claim(task))) continue;
      const started = performance.now();
      try {
        await task.run();
        await db.updateTable('schedules').set({ last_error: null }).where('name', '=', task.name).execute();
        log.debug({ task: task.name, ms: Math.round(performance.now() - started) }, 'scheduled task done');
      } catch (err) {
        log.error({ err, task: task.name }, 'scheduled task failed');
        await db.updateTable('schedules').set({ last_error: String((err as Error)?.message ?? err).slice(0, 2000) }).where('name', '=', task.name).execute();
      }
    }
  }

  return {
    tick,
    start(): void {
      timer ??= setInterval(() => {
        ticking ??= tick()
          .catch((err: unknown) => log.error({ err }, 'scheduler tick failed'))
          .finally(() => {
            ticking = null;
          });
      }, opts.tickMs ?? 1000);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await ticking;
    },
  };
}
