// A chunk worker in its own process, for crash.test.ts: opens the database named by the arguments
// (an embedded data directory or a server URL), then processes chunks until the report is finished,
// printing one line per committed chunk so that the test can kill -9 it mid-report.
import { sql } from 'kysely';
import { systemClock } from '../../../platform/clock.ts';
import { openDatabase, type Database } from '../../../platform/db/database.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createAuditRepository, createAuditService } from '../../audit/index.ts';
import { createIncidents } from '../../incidents/index.ts';
import { createPipeline } from '../index.ts';

/** The pipeline as the crash test builds it: short leases, small chunks, no constituency; `parseThreads` (0: parsed in the chunk's transaction). */
export function crashPipeline(database: Database, parseThreads: number) {
  const db = database.db;
  const audit = createAuditService({ repo: createAuditRepository(), clock: systemClock });
  const incidents = createIncidents({ db, audit, clock: systemClock });
  return createPipeline({
    db, audit, clock: systemClock, log: createLogger('silent'), incidents, lookup: async () => null, chunkBytes: 16 * 1024, processor: { leaseMs: 1500 }, parseThreads,
    config: { dataDir: '/nonexistent', pipelineAllowPrivateFeeds: false, pipelineMaxPushBytes: 1 << 30, pipelineMaxQueuedBytes: 1 << 30, pipelineWorkers: 1, pipelineRawRetentionDays: 0, secretsKey: undefined },
  });
}

async function main(target: string, reportId: string, parseThreads: number): Promise<void> {
  const database = await openDatabase(target.startsWith('postgres') ? { databaseUrl: target, poolMax: 2 } : { dataDir: target });
  const pipeline = crashPipeline(database, parseThreads);
  for (;;) {
    const state = await database.db.selectFrom('feed_reports').select('state').where('id', '=', reportId).executeTakeFirstOrThrow();
    if (state.state === 'done' || state.state === 'dead') break;
    if (await pipeline.processor.processOne()) {
      const done = await sql<{ n: number }>`select count(*)::int as n from feed_chunks where report_id = ${reportId} and state = 'done'`.execute(database.db);
      process.stdout.write(`committed ${done.rows[0]?.n}\n`);
    } else {
      await new Promise((r) => setTimeout(r, 100)); // a chunk of a killed worker: wait for its lease to run out
    }
  }
  process.stdout.write('finished\n');
  await pipeline.close();
  await database.close();
}

if (process.argv[1] === import.meta.filename) await main(process.argv[2]!, process.argv[3]!, Number(process.argv[4] ?? 1));
