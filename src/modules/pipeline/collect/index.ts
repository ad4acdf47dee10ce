import { AppError } from '../../../platform/errors.ts';
import { LocalConfig } from '../feeds.schemas.ts';
import type { FeedRow } from '../pipeline.tables.ts';
import type { StoredReport } from '../process/store.ts';
import { createDropCollector } from './drop.ts';
import { pullMispFeed } from './misp.ts';
import { pullHttpFeed, type CollectDeps, type RunOutcome } from './pull.ts';

export type CollectorsDeps = Omit<CollectDeps, 'isBackedUp'> & {
  dataDir: string;
  /** Queued chunk bytes past which pushes get 503 and pulls skip their run. */
  maxQueuedBytes: number;
  /** The most a pushed report may hold (the feed's own maxBytes may be lower). */
  maxPushBytes: number;
  /** Called after a report was stored (wakes the workers of this process). */
  onStored?: () => void;
};

/**
 * The collectors of every feed kind: HTTP(S) pull and MISP on each feed's schedule, the watched
 * drop directories, and pushed reports; all store through the report store and respect
 * back-pressure.
 */
export function createCollectors(deps: CollectorsDeps) {
  const isBackedUp = async () => (await deps.store.queuedBytes()) > deps.maxQueuedBytes;
  const collect: CollectDeps = { ...deps, isBackedUp };
  const drop = createDropCollector({ ...collect, dataDir: deps.dataDir });
  const notify = <T extends { reportIds: string[] }>(r: T) => {
    if (r.reportIds.length) deps.onStored?.();
    return r;
  };

  async function runNow(feed: FeedRow): Promise<RunOutcome> {
    if (feed.kind === 'http') return notify(await pullHttpFeed(collect, feed));
    if (feed.kind === 'misp') return notify(await pullMispFeed(collect, feed));
    if (feed.kind === 'drop') {
      const outcomes = await drop.pollFeed(feed);
      return notify({ result: outcomes.at(-1)?.result ?? 'not_modified', reportIds: outcomes.flatMap((o) => o.reportIds) });
    }
    throw new AppError('feed.wrong_kind', 'A push feed is not run: reports are pushed to it', 409);
  }

  return {
    isBackedUp,
    retryAfterSeconds: 30,
    runNow,
    drop,

    /** Stores a pushed report (body streamed); 409 for a disabled feed or one that is not a push feed. */
    async push(feed: FeedRow, body: AsyncIterable<Uint8Array>, ref: string): Promise<StoredReport> {
      if (feed.kind !== 'push') throw new AppError('feed.wrong_kind', `Feed ${feed.name} is a ${feed.kind} feed; reports are pushed only to push feeds`, 409);
      if (!feed.is_enabled) throw new AppError('feed.disabled', `Feed ${feed.name} is disabled`, 409);
      const maxBytes = Math.min(deps.maxPushBytes, LocalConfig.parse(feed.config).maxBytes);
      const stored = await deps.store.store({ feed, source: 'push', sourceRef: ref, body, maxBytes });
      await deps.feeds.recordRun(deps.db, feed.id, deps.clock.now(), stored.duplicate ? 'duplicate' : 'stored', null);
      deps.onStored?.();
      return stored;
    },

    /** Runs every pulled feed whose time has come (each run claimed by one process); true if any ran. */
    async pullDue(): Promise<boolean> {
      const now = deps.clock.now();
      let ran = false;
      for (const feed of await deps.feeds.listDue(deps.db, ['http', 'misp'], now)) {
        const next = new Date(now.getTime() + (feed.schedule_seconds ?? 3600) * 1000);
        if (!(await deps.feeds.claimRun(deps.db, feed.id, now, next))) continue;
        await runNow(feed);
        ran = true;
      }
      return ran;
    },

    /** Polls the drop directories; true if a file was taken. */
    async pollDrops(): Promise<boolean> {
      return notify({ reportIds: (await drop.pollAll()).flatMap((o) => o.reportIds) }).reportIds.length > 0;
    },
  };
}

export type Collectors = ReturnType<typeof createCollectors>;
