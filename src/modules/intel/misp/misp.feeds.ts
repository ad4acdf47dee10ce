import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { DB } from '../../../platform/db/schema.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import type { Logger } from '../../../platform/logger.ts';
import { SYSTEM_ACTOR, type Actor, type AuditService } from '../../audit/index.ts';
import { assertPublicUrl, guardedGet, readAll, type FetchOptions, type SsrfPolicy } from '../../pipeline/index.ts';
import type { MispRepository } from './misp.repository.ts';
import type { MispFeedInputT, MispFeedPatchT } from './misp.schemas.ts';
import type { MispService } from './misp.service.ts';
import type { MispFeedRow } from './misp.tables.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export type FeedRun = { outcome: 'ok' | 'failed'; listed: number; imported: number; failed: { uuid: string; code: string; message: string }[]; error: { code: string; message: string } | null };

/** The events a manifest.json lists (uuid -> { timestamp }), oldest first; 502 for anything else. */
export function parseManifest(bytes: Buffer): { uuid: string; timestamp: number }[] {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new AppError('misp.manifest_invalid', 'manifest.json is not JSON', 502);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new AppError('misp.manifest_invalid', 'manifest.json is not an object of event uuids', 502);
  return Object.entries(doc as Record<string, { timestamp?: unknown } | null>)
    .map(([uuid, e]) => ({ uuid: uuid.toLowerCase(), timestamp: Number(e?.timestamp) }))
    .filter((e) => UUID.test(e.uuid) && Number.isSafeInteger(e.timestamp))
    .sort((a, b) => a.timestamp - b.timestamp);
}

const fileUrl = (base: string, name: string) => new URL(name, base.endsWith('/') ? base : `${base}/`).href;

/** MISP feeds of partners: configuration and scheduled import into the STIX store. */
export function createMispFeeds(deps: { db: Kysely<DB>; repo: MispRepository; audit: AuditService; clock: Clock; log: Logger; misp: MispService; policy: SsrfPolicy; maxEventBytes: number }) {
  const { db, repo, audit, clock, misp } = deps;
  const fetchOpts: FetchOptions = { timeoutMs: 120_000, idleTimeoutMs: 30_000, maxRedirects: 3, policy: deps.policy };

  async function checkUrl(url: string): Promise<void> {
    try {
      await assertPublicUrl(url, deps.policy);
    } catch (err) {
      if (err instanceof AppError) throw new AppError(err.code.replace(/^feed\./, 'misp.'), err.message, 400, { field: 'url' });
      throw err;
    }
  }

  async function fetchJson(url: string, max: number): Promise<Buffer> {
    const got = await guardedGet(url, fetchOpts);
    if (got.status !== 'ok') throw new AppError('misp.http_status', `${url}: unexpected answer`, 502);
    return readAll(got.body, max, url);
  }

  /** One run: manifest, then every event new or changed since the last import (oldest first, capped). */
  async function run(feed: MispFeedRow, actor: Actor): Promise<FeedRun> {
    const out: FeedRun = { outcome: 'ok', listed: 0, imported: 0, failed: [], error: null };
    try {
      const entries = parseManifest(await fetchJson(fileUrl(feed.url, 'manifest.json'), 64 * 1024 * 1024));
      out.listed = entries.length;
      const seen = await repo.seen(db, feed.id);
      for (const e of entries.filter((x) => (seen.get(x.uuid) ?? -1) < x.timestamp).slice(0, feed.max_events_per_run)) {
        try {
          const doc = JSON.parse((await fetchJson(fileUrl(feed.url, `${e.uuid}.json`), deps.maxEventBytes)).toString('utf8')) as unknown;
          await misp.importEvent(doc, { source: `partner:${feed.partner_id}`, actor, onStored: async (tx) => void (await repo.markSeen(tx, feed.id, e.uuid, e.timestamp, clock.now())) });
          out.imported++;
        } catch (err) {
          if (!(err instanceof AppError) && !(err instanceof SyntaxError)) throw err;
          out.failed.push({ uuid: e.uuid, code: err instanceof AppError ? err.code : 'misp.invalid_json', message: err.message.slice(0, 300) });
        }
      }
    } catch (err) {
      if (!(err instanceof AppError)) deps.log.error({ err, feedId: feed.id }, 'misp feed run crashed');
      out.outcome = 'failed';
      out.error = err instanceof AppError ? { code: err.code, message: err.message } : { code: 'internal', message: 'Internal error (see the logs)' };
    }
    const error = out.error ? `${out.error.code}: ${out.error.message}` : out.failed.length ? `${out.failed.length} events failed, first: ${out.failed[0]!.code}` : null;
    await repo.recordRun(db, feed.id, { at: clock.now(), outcome: out.outcome, error: error?.slice(0, 2000) ?? null, count: out.imported });
    deps.log.info({ feedId: feed.id, outcome: out.outcome, imported: out.imported, failed: out.failed.length }, 'misp feed run done');
    return out;
  }

  async function get(id: string): Promise<MispFeedRow> {
    const row = UUID.test(id) ? await repo.find(db, id) : undefined;
    if (!row) throw notFound('misp.feed_not_found', 'MISP feed not found');
    return row;
  }

  return {
    get,
    list: () => repo.list(db),
    async create(input: MispFeedInputT, actor: Actor): Promise<MispFeedRow> {
      await checkUrl(input.url);
      const now = clock.now();
      const row: MispFeedRow = { id: randomUUID(), partner_id: input.partnerId, name: input.name, url: input.url, interval_seconds: input.intervalSeconds, max_events_per_run: input.maxEventsPerRun, enabled: input.enabled, next_run_at: now, last_run_at: null, last_outcome: null, last_error: null, last_count: null, created_at: now, updated_at: now };
      await db.transaction().execute(async (tx) => {
        await repo.insert(tx, row).catch((err: unknown) => {
          throw (err as { code?: string }).code === '23503' ? new AppError('validation.failed', 'The request is not valid', 400, { issues: [{ path: 'partnerId', message: 'is not a registered partner' }] }) : err;
        });
        await audit.append(tx, actor, { action: 'misp_feed.created', entityType: 'misp_feed', entityId: row.id, after: row });
      });
      return row;
    },
    async update(id: string, patch: MispFeedPatchT, actor: Actor): Promise<MispFeedRow> {
      const before = await get(id);
      if (patch.url) await checkUrl(patch.url);
      return db.transaction().execute(async (tx) => {
        const after = await repo.update(tx, id, {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.url !== undefined ? { url: patch.url } : {}),
          ...(patch.intervalSeconds !== undefined ? { interval_seconds: patch.intervalSeconds } : {}),
          ...(patch.maxEventsPerRun !== undefined ? { max_events_per_run: patch.maxEventsPerRun } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
          updated_at: clock.now(),
        });
        await audit.append(tx, actor, { action: 'misp_feed.updated', entityType: 'misp_feed', entityId: id, before, after });
        return after;
      });
    },
    runNow: async (id: string, actor: Actor) => run(await get(id), actor),
    /** The scheduled task: every enabled feed whose time has come. */
    async runDue(max = 10): Promise<number> {
      let n = 0;
      for (; n < max; n++) {
        const feed = await repo.claimDue(db, clock.now());
        if (!feed) break;
        await run(feed, SYSTEM_ACTOR);
      }
      return n;
    },
  };
}

export type MispFeeds = ReturnType<typeof createMispFeeds>;
