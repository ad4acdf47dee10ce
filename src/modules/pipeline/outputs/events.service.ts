import type { Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Principal } from '../../../platform/http/context.ts';
import { scopeOf, type OrgScope } from '../../constituency/index.ts';
import { createEventReader } from '../process/event-reader.ts';
import { csvHeader, formatLine, type EventFormat, type StoredEvent } from './events.format.ts';
import type { EventCursor, EventFilter, EventsRepository } from './events.repository.ts';

const PAGE = 1000;

export type EventQuery = Omit<EventFilter, 'scope'> & { cursor?: EventCursor | undefined; limit: number };

/** A JSON page, or a stream of lines with the cursor to continue after it (when more rows exist). */
export type EventAnswer = { kind: 'page'; items: StoredEvent[]; nextCursor: EventCursor | null } | { kind: 'stream'; body: ReadableStream<Uint8Array>; nextCursor: EventCursor | null };

/** Who may read which events: national CERT staff all, a center its organizations', a constituent its own. */
function analystScope(p: Principal): OrgScope {
  if (!p.permissions.has('events:read')) throw new AppError('auth.forbidden', 'This needs the events:read permission', 403);
  const scope = scopeOf(p);
  if (scope.kind === 'none' || scope.kind === 'organization') throw new AppError('events.forbidden', 'Only national CERT staff and center operators use this API; constituents use /api/v1/me/events', 403);
  return scope;
}

function ownScope(p: Principal): OrgScope {
  const scope = scopeOf(p);
  if (p.role !== 'constituent' || scope.kind !== 'organization') {
    throw new AppError('events.not_a_constituent', 'Only a constituent organization\'s users and API keys read /me/events; analysts use /api/v1/events', 403);
  }
  if (!p.permissions.has('events:own')) throw new AppError('auth.forbidden', 'This needs the events:own permission', 403);
  return scope;
}

/** Streams every row from `cursor` up to `end` (inclusive) as lines of `format`, page by page. */
function streamLines(db: Kysely<DB>, repo: EventsRepository, f: EventFilter, format: Exclude<EventFormat, 'json'>, start: EventCursor | undefined, end: EventCursor | null) {
  let cursor = start;
  let isHeaderSent = format !== 'csv';
  let isDone = false;
  const encoder = new TextEncoder();
  // One reader for the whole stream: consecutive pages read the same report chunks for `raw`.
  const reader = createEventReader(db);
  const beyondEnd = (e: StoredEvent) => {
    if (!end) return false;
    const t = e.time_observation.getTime() - Date.parse(end.t);
    const cmp = t !== 0 ? t : Number(BigInt(e.id) - BigInt(end.i));
    return f.order === 'asc' ? cmp > 0 : cmp < 0;
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!isHeaderSent) {
        isHeaderSent = true;
        controller.enqueue(encoder.encode(csvHeader()));
        return;
      }
      const rows = isDone ? [] : await repo.list(db, f, cursor, PAGE, { withRaw: format === 'intelmq', reader });
      const kept = rows.filter((r) => !beyondEnd(r));
      if (kept.length) controller.enqueue(encoder.encode(kept.map((r) => formatLine(format, r)).join('')));
      const last = rows.at(-1);
      if (last) cursor = { t: last.time_observation.toISOString(), i: String(last.id) };
      if (rows.length < PAGE || kept.length < rows.length) isDone = true;
      if (isDone) controller.close();
    },
  });
}

/** The events outputs: analysts' explorer API and the constituents' pull API. */
export function createEventsService(deps: { db: Kysely<DB>; repo: EventsRepository }) {
  const { db, repo } = deps;

  async function answer(scope: OrgScope, q: EventQuery, format: EventFormat): Promise<EventAnswer> {
    const { cursor, limit, ...rest } = q;
    const f: EventFilter = { ...rest, scope };
    if (format === 'json') {
      const rows = await repo.list(db, f, cursor, limit + 1);
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { kind: 'page', items, nextCursor: rows.length > limit && last ? { t: last.time_observation.toISOString(), i: String(last.id) } : null };
    }
    // The last row of this answer is known before the first byte goes out, so the cursor to
    // continue can travel in a header even though the body streams.
    const boundary = await repo.keyAt(db, f, cursor, limit);
    const end = boundary?.hasMore ? boundary.key : null;
    return { kind: 'stream', body: streamLines(db, repo, f, format, cursor, end), nextCursor: end };
  }

  return {
    /** Analyst explorer: every filter, within the caller's scope (unattributed events for CERT staff only). */
    list: (p: Principal, q: EventQuery, format: EventFormat) => answer(analystScope(p), q, format),
    /** Pull API: the caller's own organization only, whatever the parameters say. */
    listOwn: (p: Principal, q: Omit<EventQuery, 'organizationId'>, format: EventFormat) => answer(ownScope(p), { ...q, organizationId: undefined }, format),
  };
}

export type EventsService = ReturnType<typeof createEventsService>;
