import { AppError } from '../../../platform/errors.ts';
import type { FeedRow } from '../pipeline.tables.ts';
import { fetchHeaders } from '../feed-secrets.ts';
import { guardedGet, readAll, type FetchOptions } from './fetch.ts';
import { pullSettings, recordFailure, type CollectDeps, type RunOutcome } from './pull.ts';

const MANIFEST_MAX = 64 * 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type ManifestEntry = { uuid: string; timestamp: number };

/** The events a MISP feed's manifest.json lists (uuid -> { timestamp, ... }); 502 for anything else. */
export function parseManifest(bytes: Buffer): ManifestEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new AppError('collect.misp_manifest_invalid', 'manifest.json is not JSON', 502);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new AppError('collect.misp_manifest_invalid', 'manifest.json is not an object of event uuids', 502);
  const out: ManifestEntry[] = [];
  for (const [uuid, entry] of Object.entries(doc as Record<string, unknown>)) {
    const ts = Number((entry as { timestamp?: unknown } | null)?.timestamp);
    if (UUID.test(uuid) && Number.isFinite(ts)) out.push({ uuid: uuid.toLowerCase(), timestamp: ts });
  }
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

/** The URL of a file of the feed: `<feed url>/<name>` (the feed URL is the feed's directory). */
function fileUrl(base: string, name: string): string {
  return new URL(name, base.endsWith('/') ? base : `${base}/`).href;
}

/**
 * One run of a MISP feed: fetch manifest.json, then each event file not seen yet (or changed: a
 * newer timestamp), oldest first, at most `maxEventsPerRun`; each event file is stored as a report.
 * An event is marked seen only after its report is stored.
 */
export async function pullMispFeed(deps: CollectDeps, feed: FeedRow): Promise<RunOutcome> {
  const now = deps.clock.now();
  if (await deps.isBackedUp()) {
    await deps.feeds.recordRun(deps.db, feed.id, now, 'skipped', 'the chunk queue is full (back-pressure)');
    return { result: 'skipped', reportIds: [] };
  }
  try {
    const cfg = pullSettings(feed);
    const fetchOpts: FetchOptions = { headers: fetchHeaders(cfg, deps.secrets), timeoutMs: cfg.timeoutMs, idleTimeoutMs: cfg.idleTimeoutMs, maxRedirects: cfg.maxRedirects, policy: deps.ssrf };
    const manifest = await guardedGet(fileUrl(cfg.url, 'manifest.json'), fetchOpts);
    if (manifest.status !== 'ok') throw new AppError('collect.http_status', 'manifest.json: unexpected answer', 502);
    const entries = parseManifest(await readAll(manifest.body, MANIFEST_MAX, 'manifest.json'));
    const seen = new Map((await deps.db.selectFrom('feed_misp_events').select(['event_uuid', 'event_timestamp']).where('feed_id', '=', feed.id).execute()).map((r) => [r.event_uuid, Number(r.event_timestamp)]));
    const todo = entries.filter((e) => (seen.get(e.uuid) ?? -1) < e.timestamp).slice(0, cfg.maxEventsPerRun);
    const reportIds: string[] = [];
    for (const e of todo) {
      if (await deps.isBackedUp()) break;
      const url = fileUrl(cfg.url, `${e.uuid}.json`);
      const got = await guardedGet(url, fetchOpts);
      if (got.status !== 'ok') continue;
      const stored = await deps.store.store({ feed, source: 'misp', sourceRef: url, body: got.body, maxBytes: cfg.maxBytes });
      await deps.db
        .insertInto('feed_misp_events')
        .values({ feed_id: feed.id, event_uuid: e.uuid, event_timestamp: e.timestamp, report_id: stored.reportId, seen_at: deps.clock.now() })
        .onConflict((oc) => oc.columns(['feed_id', 'event_uuid']).doUpdateSet({ event_timestamp: e.timestamp, report_id: stored.reportId, seen_at: deps.clock.now() }))
        .execute();
      reportIds.push(stored.reportId);
    }
    const result = reportIds.length ? 'stored' : 'not_modified';
    await deps.feeds.recordRun(deps.db, feed.id, now, result, null);
    return { result, reportIds };
  } catch (err) {
    return recordFailure(deps, feed, err);
  }
}
