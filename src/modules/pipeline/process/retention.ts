/**
 * Retention of raw reports: the content of a finished report (its done chunks) is deleted
 * `days` after the report finished, a batch of reports per transaction, each batch audited with
 * what it removed. What stays: the report row (counts, SHA-256, so the same content sent again is
 * still a duplicate), its events and its errors (with their excerpts), and dead letters, which can
 * still be requeued. An event's `raw` (IntelMQ export) is rebuilt from the stored report while it
 * exists, and is absent after.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { DB } from '../../../platform/db/schema.ts';
import type { ScheduledTask } from '../../../platform/jobs/index.ts';
import type { Logger } from '../../../platform/logger.ts';
import { SYSTEM_ACTOR, type AuditService } from '../../audit/index.ts';
import type { ReportsRepository } from './reports.repository.ts';

const DAY_MS = 86_400_000;
const BATCH_REPORTS = 200;

export type RawPurge = { reports: number; chunks: number; bytes: number };

/** Deletes the raw content of reports finished more than `days` ago, batch by batch; returns the totals. */
export async function purgeRawReports(deps: { db: Kysely<DB>; repo: ReportsRepository; audit: AuditService; clock: Clock }, days: number): Promise<RawPurge> {
  const total: RawPurge = { reports: 0, chunks: 0, bytes: 0 };
  if (days <= 0) return total;
  const before = new Date(deps.clock.now().getTime() - days * DAY_MS);
  for (;;) {
    const batch = await deps.db.transaction().execute(async (tx) => {
      const r = await deps.repo.purgeRaw(tx, before, BATCH_REPORTS);
      if (r.reports > 0) await deps.audit.append(tx, SYSTEM_ACTOR, { action: 'pipeline.raw_reports_purged', entityType: 'feed_report', after: { ...r, finishedBefore: before.toISOString(), retentionDays: days } });
      return r;
    });
    total.reports += batch.reports;
    total.chunks += batch.chunks;
    total.bytes += batch.bytes;
    if (batch.reports < BATCH_REPORTS) return total;
  }
}

/** The hourly retention task (none when `days` is 0: raw reports are kept forever). */
export function rawRetentionTask(deps: { db: Kysely<DB>; repo: ReportsRepository; audit: AuditService; clock: Clock; log: Logger }, days: number): ScheduledTask[] {
  if (days <= 0) return [];
  return [
    {
      name: 'pipeline.purge_raw_reports',
      everyMs: 3600_000,
      run: async () => {
        const r = await purgeRawReports(deps, days);
        if (r.reports > 0) deps.log.info({ ...r, retentionDays: days }, 'raw reports past retention purged');
      },
    },
  ];
}
