import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, isUniqueViolation, notFound } from '../../platform/errors.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import { assertPublicUrl, type SsrfPolicy } from './collect/ssrf.ts';
import { sealSecretHeaders } from './feed-secrets.ts';
import type { FeedsRepository } from './feeds.repository.ts';
import type { CreateFeedT, UpdateFeedT } from './feeds.schemas.ts';
import { validateFeedParts, type StageSchemas, type ValidParts } from './feeds.validate.ts';
import type { FeedRow } from './pipeline.tables.ts';
import type { FeedFormat } from './pipeline.types.ts';

export type FeedsDeps = { db: Kysely<DB>; repo: FeedsRepository; audit: AuditService; clock: Clock; schemas: StageSchemas; ssrf: SsrfPolicy; secrets: SecretBox };

const nameTaken = (name: string) => new AppError('feed.name_taken', `A feed named "${name}" already exists`, 409, { field: 'name' });

/** Feeds as configuration: create, change, delete (audited), with every part validated. */
export function createFeedsService(deps: FeedsDeps) {
  const { db, repo, audit, clock, schemas, ssrf, secrets } = deps;

  async function checkUrl(parts: ValidParts, kind: FeedRow['kind']): Promise<void> {
    if (kind === 'http' || kind === 'misp') await assertPublicUrl(String(parts.config.url), ssrf);
  }

  async function get(id: string): Promise<FeedRow> {
    const row = await repo.findById(db, id);
    if (!row) throw notFound('feed.not_found', 'Feed not found');
    return row;
  }

  return {
    get,
    list: () => repo.list(db),

    async create(input: CreateFeedT, actor: Actor): Promise<FeedRow> {
      const parts = validateFeedParts({ ...input }, schemas);
      await checkUrl(parts, input.kind);
      parts.config = sealSecretHeaders(parts.config, null, true, secrets);
      const now = clock.now();
      try {
        return await db.transaction().execute(async (tx) => {
          const row = await repo.insert(tx, {
            id: randomUUID(), name: input.name, kind: input.kind, format: input.format, config: parts.config, parser: parts.parser, rules: parts.rules, dedup: parts.dedup,
            schedule_seconds: parts.scheduleSeconds, is_enabled: input.isEnabled, tlp: input.tlp, provider: input.provider, accuracy: input.accuracy, code: input.code,
            created_at: now, updated_at: now,
          });
          await audit.append(tx, actor, { action: 'feed.created', entityType: 'feed', entityId: row.id, after: row });
          return row;
        });
      } catch (err) {
        if (isUniqueViolation(err, 'feeds_name_key')) throw nameTaken(input.name);
        throw err;
      }
    },

    async update(id: string, input: UpdateFeedT, actor: Actor): Promise<FeedRow> {
      const before = await get(id);
      const parts = validateFeedParts(
        {
          kind: before.kind, format: input.format ?? (before.format as FeedFormat), config: input.config ?? before.config, parser: input.parser ?? before.parser,
          rules: input.rules === undefined ? before.rules : input.rules, dedup: input.dedup ?? before.dedup,
          scheduleSeconds: input.scheduleSeconds === undefined ? before.schedule_seconds : input.scheduleSeconds,
        },
        schemas,
      );
      if (input.config) {
        await checkUrl(parts, before.kind);
        parts.config = sealSecretHeaders(parts.config, before.config as Record<string, unknown>, 'secretHeaders' in input.config, secrets);
      }
      const urlChanged = JSON.stringify(parts.config.url) !== JSON.stringify((before.config as Record<string, unknown>).url);
      try {
        return await db.transaction().execute(async (tx) => {
          const after = await repo.update(tx, id, input.version, {
            name: input.name, format: input.format, config: JSON.stringify(parts.config), parser: JSON.stringify(parts.parser), rules: JSON.stringify(parts.rules),
            dedup: JSON.stringify(parts.dedup), schedule_seconds: parts.scheduleSeconds, is_enabled: input.isEnabled, tlp: input.tlp, provider: input.provider,
            accuracy: input.accuracy, code: input.code, updated_at: clock.now(),
            // A new URL starts without the old one's validators and runs at once.
            ...(urlChanged ? { http_etag: null, http_last_modified: null, next_run_at: null } : {}),
          });
          if (!after) throw new AppError('feed.version_conflict', 'The feed was changed by someone else; reload it and try again', 409, { version: before.version });
          await audit.append(tx, actor, { action: 'feed.updated', entityType: 'feed', entityId: id, before, after });
          return after;
        });
      } catch (err) {
        if (isUniqueViolation(err, 'feeds_name_key')) throw nameTaken(input.name ?? before.name);
        throw err;
      }
    },

    /** Deletes the feed with its reports, chunks and error log (stored events stay). */
    async delete(id: string, actor: Actor): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const before = await repo.findByIdForUpdate(tx, id);
        if (!before) throw notFound('feed.not_found', 'Feed not found');
        await repo.delete(tx, id);
        await audit.append(tx, actor, { action: 'feed.deleted', entityType: 'feed', entityId: id, before });
      });
    },

    async errors(id: string, beforeId: number | null, limit: number) {
      await get(id);
      return repo.listErrors(db, id, beforeId, limit);
    },

    async reports(id: string, limit: number) {
      await get(id);
      return repo.listReports(db, id, limit);
    },
  };
}

export type FeedsService = ReturnType<typeof createFeedsService>;
