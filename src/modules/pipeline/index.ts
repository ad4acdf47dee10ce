import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { lazySecretBox, type SecretBox } from '../../platform/secrets.ts';
import type { Config } from '../../platform/config.ts';
import type { DB } from '../../platform/db/schema.ts';
import type { AnyJob, ScheduledTask } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AuditService } from '../audit/index.ts';
import type { LookupIndex } from '../../platform/lookup-index/index.ts';
import type { createIncidents } from '../incidents/index.ts';
import type { AsnTable } from './asn/index.ts';
import { createCollectors } from './collect/index.ts';
import { readFilePieces } from './collect/file-pieces.ts';
import { createDeadLettersRepository } from './deadletters.repository.ts';
import { deadLettersRoutes } from './deadletters.routes.ts';
import { createDeadLettersService } from './deadletters.service.ts';
import { dedupPurgeTask } from './experts/dedup-db.ts';
import { createFeedsRepository } from './feeds.repository.ts';
import { feedsRoutes } from './feeds.routes.ts';
import { createFeedsService } from './feeds.service.ts';
import { feedMappingsRoutes } from './mappings.routes.ts';
import { createIntentSink } from './process/intents.ts';
import { createChunkProcessor, type ProcessorOptions } from './process/processor.ts';
import { createQueueRepository } from './process/queue.repository.ts';
import { rawRetentionTask } from './process/retention.ts';
import { createReportsRepository } from './process/reports.repository.ts';
import { createRunner, type Loop } from './process/runner.ts';
import { createStages, stageSchemas } from './process/stages.ts';
import { createReportStore, type StoredReport } from './process/store.ts';
import './pipeline.tables.ts';

export type { FeedRow, EventRow, FeedReportRow, FeedErrorRow } from './pipeline.tables.ts';
export type { StoredReport } from './process/store.ts';
export { forbiddenReason, guardedLookup, assertPublicUrl, bareHost, type SsrfPolicy } from './collect/ssrf.ts';
export { guardedGet, readAll, type FetchOptions, type FetchResult } from './collect/fetch.ts';
export { dropDir } from './collect/drop.ts';
export * from './asn/index.ts';
export * from './outputs/index.ts';

export type PipelineDeps = {
  db: Kysely<DB>;
  audit: AuditService;
  clock: Clock;
  log: Logger;
  config: Pick<Config, 'dataDir' | 'pipelineAllowPrivateFeeds' | 'pipelineMaxPushBytes' | 'pipelineMaxQueuedBytes' | 'pipelineWorkers' | 'pipelineRawRetentionDays' | 'secretsKey'> & Partial<Pick<Config, 'pipelineParseThreads'>>;
  /** Seals feeds' secret headers (default: the secrets key of the config). */
  secrets?: SecretBox;
  incidents: Pick<ReturnType<typeof createIncidents>, 'repo' | 'clocks'>;
  /** The constituency lookup index (owner of each event); null leaves events without owner. */
  lookup: () => Promise<LookupIndex | null>;
  /** The ASN / country prefix table (`asnPrefixes.service.table()`); absent leaves ASN fields as the feed gave them. */
  asn?: () => Promise<AsnTable | null>;
  processor?: ProcessorOptions;
  /** Target size of a report's chunks (default: the parser's, 4 MiB). */
  chunkBytes?: number;
  /**
   * Worker threads that parse and enrich chunks while the main thread stores the previous one (on
   * a server, worker processes also share the chunks). Default `config.pipelineParseThreads`, else 1; 0 = none.
   */
  parseThreads?: number;
};

/** True for the push endpoint, which streams its body under its own limit and takes any content type. */
export function isFeedReportPush(method: string, path: string): boolean {
  return method === 'POST' && /^\/api\/v1\/feeds\/[^/]+\/reports$/.test(path);
}

/**
 * Wires the pipeline runtime: feeds (configuration API), collectors, the raw report store, the
 * chunk queue and processor, and the background loops. In `createVigil` (app.ts):
 *
 *     const pipeline = createPipeline({ db, audit, clock, log, config, incidents, lookup: () => constituency.lookup.fresh() });
 *     api.route('/', pipeline.routes());  tasks.push(...pipeline.tasks);
 *
 * and the process that runs background work calls `pipeline.runner.start()` / `stop()`.
 */
export function createPipeline(deps: PipelineDeps) {
  const { db, audit, clock, config } = deps;
  const log = deps.log.child({ module: 'pipeline' });
  const feedsRepo = createFeedsRepository();
  const ssrf = { allowPrivate: config.pipelineAllowPrivateFeeds };
  const secrets = deps.secrets ?? lazySecretBox({ secretsKey: config.secretsKey, dataDir: config.dataDir });
  const feeds = createFeedsService({ db, repo: feedsRepo, audit, clock, schemas: stageSchemas, ssrf, secrets });
  const stages = createStages({ db, clock, lookup: deps.lookup, asn: deps.asn, chunkBytes: deps.chunkBytes, parseThreads: deps.parseThreads ?? deps.config.pipelineParseThreads ?? 1 });
  const reportsRepo = createReportsRepository();
  const store = createReportStore({ db, repo: reportsRepo, clock, chunker: stages.chunker, checkHeader: stages.checkHeader });
  const queue = createQueueRepository();
  const processor = createChunkProcessor({ db, queue, stages: stages.stages, intents: createIntentSink({ incidents: deps.incidents, audit }), clock, log, options: deps.processor });
  const loops: Loop[] = [];
  const runner = createRunner(loops, log);
  const collectors = createCollectors({
    db, feeds: feedsRepo, store, clock, log, ssrf, secrets, dataDir: config.dataDir, maxQueuedBytes: config.pipelineMaxQueuedBytes, maxPushBytes: config.pipelineMaxPushBytes,
    onStored: () => runner.wake(),
  });
  // A step takes a few chunks: with parse threads, each is parsed while the previous one is stored.
  for (let i = 0; i < config.pipelineWorkers; i++) loops.push({ name: `chunks-${i}`, idleMs: 1000, step: async () => (await processor.processPending(8)) > 0 });
  loops.push({ name: 'pull', idleMs: 5000, step: () => collectors.pullDue() }, { name: 'drop', idleMs: 3000, step: () => collectors.pollDrops() });

  const tasks: ScheduledTask[] = [
    { name: 'pipeline.event_partitions', everyMs: 6 * 3600_000, run: async () => void (await sql`select pipeline_ensure_event_partitions(3)`.execute(db)) },
    { name: 'pipeline.purge_abandoned_reports', everyMs: 10 * 60_000, run: async () => void (await store.purgeAbandoned(30 * 60_000)) },
    dedupPurgeTask({ db, clock }),
    ...rawRetentionTask({ db, repo: reportsRepo, audit, clock, log }, config.pipelineRawRetentionDays),
  ];
  const jobs: AnyJob[] = [];
  const deadLetters = createDeadLettersService({ db, queue, repo: createDeadLettersRepository(), feeds, audit, clock, onRequeued: () => runner.wake() });
  const routes = () => feedsRoutes({ feeds, collectors }).route('/', feedMappingsRoutes()).route('/', deadLettersRoutes({ deadLetters }));
  /** Starts the parse threads ahead of the first chunk / stops them (they hold the process only while they have work). */
  const warm = () => stages.warm();
  const close = () => stages.close();
  return { feeds, deadLetters, store, processor, collectors, runner, tasks, jobs, routes, warm, close };
}

export type Pipeline = ReturnType<typeof createPipeline>;

/**
 * Stores a file as a report of a feed and processes every queued chunk (the benchmark's end-to-end
 * path: chunk -> store -> parse -> experts -> events). Returns the stored report.
 */
export async function processReportFile(pipeline: Pipeline, feedId: string, path: string): Promise<StoredReport> {
  const feed = await pipeline.feeds.get(feedId);
  const stored = await pipeline.store.store({ feed, source: 'drop', sourceRef: path, body: readFilePieces(path), maxBytes: Number.MAX_SAFE_INTEGER });
  await pipeline.processor.processPending();
  return stored;
}
