import type { ScheduledTask } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/logger.ts';
import type { CentersService } from './centers.service.ts';

/** Periodic work of the centers module: the silence check, every 30 s in one process. */
export function centersTasks(deps: { centers: CentersService; log?: Logger }): ScheduledTask[] {
  const { centers, log } = deps;
  return [
    {
      name: 'centers.check_silence',
      everyMs: 30_000,
      run: async () => {
        const { raised, resolved } = await centers.checkSilence();
        if (raised || resolved) log?.info({ raised, resolved }, 'center silence alerts changed');
      },
    },
  ];
}
