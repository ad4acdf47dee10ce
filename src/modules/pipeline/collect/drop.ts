import fs from 'node:fs';
import path from 'node:path';
import type { FeedRow } from '../pipeline.tables.ts';
import { LocalConfig } from '../feeds.schemas.ts';
import { readFilePieces } from './file-pieces.ts';
import { recordFailure, type CollectDeps, type RunOutcome } from './pull.ts';

const CLAIMED = '.processing';
// A claimed file left behind by a process that died is taken again after this long.
const STALE_CLAIM_MS = 3600_000;

type Seen = { size: number; mtimeMs: number };

/** The drop directory of a feed: `<data dir>/drop/<feed name>/`. */
export function dropDir(dataDir: string, feedName: string): string {
  return path.join(dataDir, 'drop', feedName);
}

async function move(from: string, dir: string, name: string): Promise<string> {
  await fs.promises.mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const to = path.join(dir, `${stamp}-${name}`);
  await fs.promises.rename(from, to);
  return to;
}

/**
 * A watched drop directory per drop feed. A file is taken once it is stable (same size and mtime
 * on two polls in a row), claimed by an atomic rename into `.processing/` (so two processes never
 * take the same file), streamed into the report store, then moved to `done/`, or to `failed/` with
 * a `.reason.txt` beside it.
 */
export function createDropCollector(deps: CollectDeps & { dataDir: string }) {
  const seen = new Map<string, Seen>();
  const busy = new Set<string>();

  async function take(feed: FeedRow, dir: string, file: string): Promise<RunOutcome> {
    const claimed = path.join(dir, CLAIMED, file);
    try {
      await fs.promises.rename(path.join(dir, file), claimed);
    } catch {
      return { result: 'skipped', reportIds: [] }; // another process took it
    }
    return ingest(feed, dir, file, claimed);
  }

  async function ingest(feed: FeedRow, dir: string, file: string, claimed: string): Promise<RunOutcome> {
    busy.add(claimed);
    try {
      const cfg = LocalConfig.parse(feed.config);
      const stored = await deps.store.store({ feed, source: 'drop', sourceRef: file, body: readFilePieces(claimed), maxBytes: cfg.maxBytes });
      await move(claimed, path.join(dir, 'done'), file);
      const result = stored.duplicate ? 'duplicate' : 'stored';
      await deps.feeds.recordRun(deps.db, feed.id, deps.clock.now(), result, null);
      return { result, reportIds: [stored.reportId] };
    } catch (err) {
      const failed = await move(claimed, path.join(dir, 'failed'), file).catch(() => null);
      if (failed) await fs.promises.writeFile(`${failed}.reason.txt`, `${(err as { code?: string }).code ?? 'error'}: ${(err as Error).message}\n`).catch(() => undefined);
      return recordFailure(deps, feed, err);
    } finally {
      busy.delete(claimed);
    }
  }

  /** Files claimed by a process that died long ago go back to the directory. */
  async function releaseStale(dir: string): Promise<void> {
    const claimedDir = path.join(dir, CLAIMED);
    for (const name of await fs.promises.readdir(claimedDir).catch(() => [] as string[])) {
      const p = path.join(claimedDir, name);
      const st = await fs.promises.stat(p).catch(() => null);
      if (st && !busy.has(p) && Date.now() - st.ctimeMs > STALE_CLAIM_MS) await fs.promises.rename(p, path.join(dir, name)).catch(() => undefined);
    }
  }

  /** One poll of one feed's directory; returns what was taken. */
  async function pollFeed(feed: FeedRow): Promise<RunOutcome[]> {
    const dir = dropDir(deps.dataDir, feed.name);
    await fs.promises.mkdir(path.join(dir, CLAIMED), { recursive: true });
    await releaseStale(dir);
    const outcomes: RunOutcome[] = [];
    for (const entry of await fs.promises.readdir(dir, { withFileTypes: true })) {
      if (!entry.isFile() || entry.name.startsWith('.')) continue;
      const p = path.join(dir, entry.name);
      const st = await fs.promises.stat(p).catch(() => null);
      if (!st) continue;
      const before = seen.get(p);
      seen.set(p, { size: st.size, mtimeMs: st.mtimeMs });
      if (!before || before.size !== st.size || before.mtimeMs !== st.mtimeMs) continue; // still being written
      if (await deps.isBackedUp()) break;
      seen.delete(p);
      outcomes.push(await take(feed, dir, entry.name));
    }
    return outcomes;
  }

  return {
    pollFeed,
    /** Polls the directory of every enabled drop feed. */
    async pollAll(): Promise<RunOutcome[]> {
      const feeds = await deps.db.selectFrom('feeds').selectAll().where('kind', '=', 'drop').where('is_enabled', '=', true).execute();
      const out: RunOutcome[] = [];
      for (const feed of feeds) out.push(...(await pollFeed(feed)));
      return out;
    },
  };
}

export type DropCollector = ReturnType<typeof createDropCollector>;
