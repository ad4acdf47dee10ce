/**
 * Reading events back as full harmonized (IntelMQ) events, page by page: the lean rows of
 * event-rows.ts plus, per page, the feeds' fields, the owners' `extra.constituency` and, when
 * asked, `raw` of line formats read back from the stored report (feed_chunks), one chunk at a time
 * with a small cache (consecutive events of a listing come from the same chunk).
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import type { HarmonizedEvent } from '../pipeline.types.ts';
import { feedStamp, LINE_FORMATS, toHarmonized, type FeedStamp, type OrgStamp, type StoredEventRow } from './event-rows.ts';
import { fromHex } from './reports.repository.ts';

/** A stored row as a listing selects it: the columns toHarmonized reads plus where it came from. */
export type ReadableEventRow = StoredEventRow & { feed_id: string; report_id: string; line_no: number };

type ChunkLines = { reportId: string; firstLine: number; lineCount: number; data: Buffer; starts: Int32Array | null };

const CHUNK_CACHE = 2;

/** Byte offsets of each line of a chunk (line i spans starts[i] .. starts[i + 1] - 1, newline excluded). */
function lineStarts(c: ChunkLines): Int32Array {
  const starts = new Int32Array(c.lineCount + 1);
  const d = c.data;
  let pos = d[0] === 0xef && d[1] === 0xbb && d[2] === 0xbf ? 3 : 0; // a BOM is not part of the first line
  for (let i = 0; i < c.lineCount; i++) {
    starts[i] = pos;
    const nl = d.indexOf(0x0a, pos);
    pos = nl < 0 ? d.length + 1 : nl + 1;
  }
  starts[c.lineCount] = pos;
  return starts;
}

/** The base64 of one line of a chunk, as the line parsers wrote `raw` (no CR/LF). */
function rawLine(c: ChunkLines, line: number): string | null {
  const i = line - c.firstLine;
  if (i < 0 || i >= c.lineCount) return null;
  c.starts ??= lineStarts(c);
  const start = c.starts[i]!;
  let end = Math.min(c.starts[i + 1]! - 1, c.data.length);
  if (end > start && c.data[end - 1] === 0x0d) end--;
  return end > start ? c.data.toString('base64', start, end) : null;
}

/** Expands listings of one request: feeds and chunks are cached for its lifetime. */
export function createEventReader(db: Kysely<DB>) {
  const feeds = new Map<string, FeedStamp | undefined>();
  const chunks: ChunkLines[] = [];

  async function loadFeeds(ids: readonly string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !feeds.has(id));
    if (!missing.length) return;
    const rows = await db.selectFrom('feeds').select(['id', 'name', 'provider', 'accuracy', 'code', 'format', 'tlp']).where('id', 'in', missing).execute();
    for (const id of missing) feeds.set(id, undefined);
    for (const r of rows) feeds.set(r.id, feedStamp(r));
  }

  async function loadOrgs(ids: readonly string[]): Promise<Map<string, OrgStamp>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const { rows } = await sql<{ id: string; name: string; sector: string; is_cii: boolean; cii_category: string | null; centers: string[] | null }>`
      select o.id, o.name, o.sector, o.is_cii, o.cii_category,
             (select array_agg(co.center_id::text order by co.center_id) from center_organizations co where co.organization_id = o.id) as centers
        from organizations o where o.id = any(${unique}::uuid[])`.execute(db);
    return new Map(rows.map((r) => [r.id, { name: r.name, sector: r.sector, isCii: r.is_cii, ciiCategory: r.cii_category, centerIds: r.centers ?? [] }]));
  }

  /** The chunk of a report holding `line` (cached), or null when the report is gone. */
  async function chunkOf(reportId: string, line: number): Promise<ChunkLines | null> {
    const hit = chunks.find((c) => c.reportId === reportId && line >= c.firstLine && line < c.firstLine + c.lineCount);
    if (hit) return hit;
    const row = await db
      .selectFrom('feed_chunks')
      .select(['first_line', 'line_count', sql<string>`encode(data, 'hex')`.as('hex')])
      .where('report_id', '=', reportId)
      .where('first_line', '<=', line)
      .orderBy('first_line', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return null;
    const c: ChunkLines = { reportId, firstLine: row.first_line, lineCount: row.line_count, data: fromHex(row.hex), starts: null };
    chunks.unshift(c);
    if (chunks.length > CHUNK_CACHE) chunks.pop();
    return c;
  }

  async function rawOf(row: ReadableEventRow, feed: FeedStamp | undefined): Promise<string | null> {
    if (!feed || !LINE_FORMATS.has(feed.format)) return null;
    const d = row.data as Record<string, unknown> | null;
    if (d && typeof d === 'object' && d.raw !== undefined) return null; // the input's own raw, kept in data
    const c = await chunkOf(row.report_id, row.line_no);
    return c ? rawLine(c, row.line_no) : null;
  }

  return {
    /** The full harmonized events of a page of rows, in order; `withRaw` adds `raw` (IntelMQ export). */
    async expand(rows: readonly ReadableEventRow[], options: { withRaw: boolean }): Promise<HarmonizedEvent[]> {
      await loadFeeds(rows.map((r) => r.feed_id));
      const orgs = await loadOrgs(rows.flatMap((r) => (r.organization_id === null ? [] : [r.organization_id])));
      const out: HarmonizedEvent[] = [];
      for (const r of rows) {
        const feed = feeds.get(r.feed_id);
        const raw = options.withRaw ? await rawOf(r, feed) : null;
        out.push(toHarmonized(r, feed, { org: r.organization_id === null ? undefined : orgs.get(r.organization_id), raw }));
      }
      return out;
    },
  };
}

export type EventReader = ReturnType<typeof createEventReader>;
