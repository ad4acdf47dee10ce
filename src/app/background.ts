import { embeddedMaintenance } from '../platform/db/maintenance.ts';
import type { AnyJob, ScheduledTask } from '../platform/jobs/index.ts';
import { centersTasks } from '../modules/centers/index.ts';
import type { Modules } from './modules.ts';

/** Background work of every module: queued jobs and periodic singletons (see platform/jobs). */
export function backgroundWork(m: Modules): { jobs: AnyJob[]; tasks: ScheduledTask[] } {
  const jobs: AnyJob[] = [...m.outputs.jobs, ...m.notify.jobs];
  const tasks: ScheduledTask[] = [
    { name: 'auth.purge_sessions', everyMs: 3600_000, run: () => m.auth.purgeExpiredSessions() },
    ...m.incidents.tasks(),
    ...embeddedMaintenance({ db: m.db, engine: m.database.engine, log: m.log.child({ module: 'db' }) }),
    ...centersTasks({ centers: m.centers, log: m.log.child({ module: 'centers' }) }),
    ...m.reports.tasks,
    ...m.pipeline.tasks,
    ...m.outputs.tasks,
    m.taxiiClient.task,
    m.misp.task,
    ...m.intel.tasks,
  ];
  return { jobs, tasks };
}
