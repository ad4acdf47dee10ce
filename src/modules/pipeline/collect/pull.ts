import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { DB } from '../../../platform/db/schema.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Logger } from '../../../platform/logger.ts';
import type { SecretBox } from '../../../platform/secrets.ts';
import { fetchHeaders } from '../feed-secrets.ts';
import type { FeedsRepository } from '../feeds.repository.ts';
import { PullConfig, type PullConfigT } from '../feeds.schemas.ts';
import type { FeedRow, FeedRunResult } from '../pipeline.tables.ts';
import type { ReportStore } from '../process/store.ts';
import { guardedGet } from './fetch.ts';
import type { SsrfPolicy } from './ssrf.ts';

export type CollectDeps = {
  db: Kysely<DB>;
  feeds: FeedsRepository;
  store: ReportStore;
  clock: Clock;
  log: Logger;
  ssrf: SsrfPolicy;
  /** Opens the feeds' secret headers. */
  secrets: SecretBox;
  /** True while the queue holds more bytes than the limit: pulls skip their run. */
  isBackedUp: () => Promise<boolean>;
};

export type RunOutcome = { result: FeedRunResult; reportIds: string[]; error?: string };

/** Records a collection failure in the feed's error log and status. */
export async function recordFailure(deps: CollectDeps, feed: FeedRow, err: unknown): Promise<RunOutcome> {
  const e = err instanceof AppError ? err : new AppError('collect.failed', err instanceof Error ? err.message : String(err), 500);
  const now = deps.clock.now();
  await deps.feeds.addErrors(deps.db, [{ feed_id: feed.id, report_id: null, line: null, code: e.code, field: null, message: e.message.slice(0, 2000), excerpt: null, created_at: now }]);
  await deps.feeds.addErrorCount(deps.db, feed.id, 1);
  await deps.feeds.recordRun(deps.db, feed.id, now, 'error', `${e.code}: ${e.message}`);
  deps.log.warn({ feed: feed.name, code: e.code, err: e.message }, 'feed collection failed');
  return { result: 'error', reportIds: [], error: e.code };
}

/** Fetch settings of a pulled feed, from its stored config. */
export function pullSettings(feed: FeedRow): PullConfigT {
  return PullConfig.parse(feed.config);
}

/**
 * One run of an HTTP(S) feed: a conditional GET (ETag / If-Modified-Since from the last stored
 * answer), the body streamed into the report store. The validators are saved only once the body is
 * stored, so a failed run is retried in full next time. Skipped while the queue is backed up.
 */
export async function pullHttpFeed(deps: CollectDeps, feed: FeedRow): Promise<RunOutcome> {
  const now = deps.clock.now();
  if (await deps.isBackedUp()) {
    await deps.feeds.recordRun(deps.db, feed.id, now, 'skipped', 'the chunk queue is full (back-pressure)');
    return { result: 'skipped', reportIds: [] };
  }
  try {
    const cfg = pullSettings(feed);
    const got = await guardedGet(cfg.url, { headers: fetchHeaders(cfg, deps.secrets), etag: feed.http_etag, lastModified: feed.http_last_modified, timeoutMs: cfg.timeoutMs, idleTimeoutMs: cfg.idleTimeoutMs, maxRedirects: cfg.maxRedirects, policy: deps.ssrf });
    if (got.status === 'not_modified') {
      await deps.feeds.recordRun(deps.db, feed.id, now, 'not_modified', null);
      return { result: 'not_modified', reportIds: [] };
    }
    const stored = await deps.store.store({ feed, source: 'http', sourceRef: got.url, body: got.body, maxBytes: cfg.maxBytes });
    await deps.feeds.setValidators(deps.db, feed.id, got.etag, got.lastModified);
    const result = stored.duplicate ? 'duplicate' : 'stored';
    await deps.feeds.recordRun(deps.db, feed.id, now, result, null);
    return { result, reportIds: [stored.reportId] };
  } catch (err) {
    return recordFailure(deps, feed, err);
  }
}
