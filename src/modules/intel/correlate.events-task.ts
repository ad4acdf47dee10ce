import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import type { ScheduledTask } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/logger.ts';
import { getSetting, setSetting } from '../../platform/settings.ts';
import type { NewCorrelations, StoredEvent } from './correlate.new.ts';

const CHECKPOINT = 'intel.events_correlated_until';
const PAGE = 20_000;
/**
 * Events are read only once they are older than this: a chunk's events carry the time its
 * processing started (time_observation) and commit when it ends, which a chunk lease (5 min) bounds.
 */
export const SETTLE_MS = 6 * 60_000;

type Checkpoint = { at: string; id: string };
type Deps = { db: Kysely<DB>; clock: Clock; log: Logger; correlateEvents: (tx: Kysely<DB>, events: readonly StoredEvent[]) => Promise<NewCorrelations> };

/**
 * Correlates pipeline events stored since the last run with stored intel (intel imported later is
 * correlated with all stored events at import). Walks the events in (time_observation, id) order
 * — the table's primary key — from a checkpoint committed with each page's correlations, so a run
 * that fails resumes where it stopped and no event is counted twice.
 */
export async function correlateNewEvents(deps: Deps): Promise<{ events: number; correlated: number }> {
  const { db, clock } = deps;
  const until = new Date(clock.now().getTime() - SETTLE_MS);
  let from = await getSetting<Checkpoint>(db, CHECKPOINT);
  if (!from) {
    // First run: what is already stored was correlated when its intel was imported.
    await setSetting(db, CHECKPOINT, { at: until.toISOString(), id: '0' });
    return { events: 0, correlated: 0 };
  }
  let events = 0;
  let correlated = 0;
  for (;;) {
    const page = await pageAfter(db, from, until);
    if (!page.length) return { events, correlated };
    const last = page[page.length - 1]!;
    const next: Checkpoint = { at: last.at, id: last.id };
    const r = await db.transaction().execute(async (tx) => {
      const out = await deps.correlateEvents(tx, page);
      await setSetting(tx, CHECKPOINT, next);
      return out;
    });
    events += page.length;
    correlated += r.objects;
    from = next;
    if (page.length < PAGE) return { events, correlated };
  }
}

type EventRow = StoredEvent & { at: string; id: string };

async function pageAfter(db: Kysely<DB>, from: Checkpoint, until: Date): Promise<EventRow[]> {
  const { rows } = await sql<EventRow>`select id::text as id, to_char(time_observation at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at,
      host(source_ip) as "sourceIp", source_fqdn as "sourceFqdn", source_url as "sourceUrl"
    from events
    where (time_observation, id) > (${from.at}::timestamptz, ${from.id}::bigint) and time_observation <= ${until.toISOString()}::timestamptz
    order by time_observation, id limit ${PAGE}`.execute(db);
  return rows;
}

/** The scheduled task: every minute, on one process at a time. */
export function correlateNewEventsTask(deps: Deps): ScheduledTask {
  return {
    name: 'intel.correlate_new_events',
    everyMs: 60_000,
    run: async () => {
      const r = await correlateNewEvents(deps);
      if (r.events) deps.log.info(r, 'new events correlated with intel');
    },
  };
}
