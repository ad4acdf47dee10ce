import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createVigil, type Vigil } from './app.ts';
import type { Config } from './platform/config.ts';
import { openDatabase, type Database } from './platform/db/database.ts';
import { migrate } from './platform/db/migrate.ts';
import type { Logger } from './platform/logger.ts';
import { systemClock } from './platform/clock.ts';
import { createScheduler, createWorker } from './platform/jobs/index.ts';
import { getSetting, setSetting } from './platform/settings.ts';
import { SYSTEM_ACTOR } from './modules/audit/index.ts';
import { demoRows } from './modules/constituency/index.ts';
import { seedAsnSample } from './modules/pipeline/index.ts';

export type Running = { url: string; vigil: Vigil; database: Database; bootstrapToken: string | null; close(): Promise<void> };

/** Loads the demo constituency once, on a first run with an empty registry, unless VIGIL_DEMO=0. */
export async function seedDemo(vigil: Vigil, database: Database, log: Logger): Promise<boolean> {
  if (await getSetting(database.db, 'demo.seeded')) return false;
  const any = await database.db.selectFrom('organizations').select('id').limit(1).executeTakeFirst();
  if (!any) {
    const result = await vigil.services.constituency.imports.applyRows(demoRows(), SYSTEM_ACTOR);
    log.info({ summary: result.summary }, 'demo constituency loaded');
  }
  await setSetting(database.db, 'demo.seeded', true);
  return !any;
}

/** The job worker and the scheduler of this process (`vigil serve` unless VIGIL_WORKER=0, and `vigil worker`). */
export function startBackground(vigil: Vigil, database: Database, log: Logger) {
  const worker = createWorker({ db: database.db, jobs: vigil.jobs, log: log.child({ module: 'jobs' }), clock: systemClock });
  const scheduler = createScheduler({ db: database.db, tasks: vigil.tasks, log: log.child({ module: 'scheduler' }), clock: systemClock });
  worker.start();
  scheduler.start();
  vigil.pipeline.runner.start();
  return {
    async stop() {
      await vigil.pipeline.runner.stop();
      await vigil.pipeline.close(); // the parse worker threads
      await scheduler.stop();
      await worker.stop();
    },
  };
}

/**
 * Opens the database, applies migrations, seeds first-run data, builds the lookup index and starts
 * listening. Prints the one-time bootstrap link when no administrator exists yet.
 */
export async function startServer(config: Config, log: Logger, options: { database?: Database } = {}): Promise<Running> {
  const started = performance.now();
  const database = options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.dbPoolMax }));
  const applied = await migrate(database);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const vigil = createVigil({ config, database, log });
  if (config.demo) await seedDemo(vigil, database, log);
  await seedAsnSample(vigil.services.asnPrefixes);
  let bootstrapToken: string | null = null;
  if (!(await vigil.services.users.hasAdmin())) bootstrapToken = await vigil.services.users.issueBootstrapToken();
  await vigil.services.constituency.lookup.fresh();
  vigil.services.constituency.lookup.startPolling(config.indexPollMs);
  const background = config.runWorker ? startBackground(vigil, database, log) : null;

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: vigil.app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const url = config.publicUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info({ url, engine: database.engine, ms: Math.round(performance.now() - started) }, 'vigil listening');
  // The in-memory correlation index over stored events, built after listening so the first intel
  // import does not wait for it (and start-up does not either).
  vigil.services.intel.prepareCorrelation().catch((err: unknown) => log.error({ err }, 'correlation index build failed'));
  return {
    url,
    vigil,
    database,
    bootstrapToken,
    async close() {
      await background?.stop();
      vigil.services.constituency.lookup.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      if (!options.database) await database.close();
    },
  };
}
