/**
 * The ASN / country prefix table: import (streaming, all or nothing, audited), statistics, and the
 * in-memory longest-prefix-match table each process keeps equal to the database.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { DB } from '../../../platform/db/schema.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Logger } from '../../../platform/logger.ts';
import { SYSTEM_ACTOR, type Actor, type AuditService } from '../../audit/index.ts';
import { parseCidrInto } from '../../../platform/lookup-index/index.ts';
import type { AsnInfo, AsnTable } from './asn-expert.ts';
import type { AsnRepository } from './asn.repository.ts';
import { isPfx2asError, parsePfx2asLine, readLines, type Pfx2asError, type Pfx2asRow } from './pfx2as.ts';
import { PrefixLpmBuilder } from './prefix-lpm.ts';

export const SAMPLE_FILE = path.join(import.meta.dirname, 'pfx2as-sample.txt');
const BATCH = 5000;
const MAX_ERRORS = 100;
const VERSION_CHECK_MS = 5000;

export type AsnImportSummary = { seq: number; lines: number; prefixes: { v4: number; v6: number }; asns: number; sha256: string };
export type AsnStats = {
  prefixes: { v4: number; v6: number };
  asns: number;
  lastImport: { seq: number; importedAt: string; actor: string; source: string; sha256: string; lines: number } | null;
};
export type AsnService = ReturnType<typeof createAsnService>;

/** Collects the valid rows of an import; stops keeping rows after the first error (the import fails anyway). */
class ImportState {
  readonly builder = new PrefixLpmBuilder<AsnInfo>();
  readonly seen = new Set<string>();
  readonly asns = new Set<number>();
  readonly infos = new Map<string, AsnInfo>();
  readonly errors: Pfx2asError[] = [];
  errorCount = 0;
  lines = 0;
  v4 = 0;
  v6 = 0;
  batch: Pfx2asRow[] = [];

  fail(e: Pfx2asError): void {
    this.errorCount++;
    if (this.errors.length < MAX_ERRORS) this.errors.push(e);
    this.batch = [];
  }

  add(row: Pfx2asRow, line: number): void {
    if (this.seen.has(row.prefix)) return this.fail({ line, code: 'pfx2as.duplicate_prefix', message: `${row.prefix} appears more than once` });
    this.seen.add(row.prefix);
    if (row.family === 4) this.v4++;
    else this.v6++;
    for (const a of row.origins) this.asns.add(a);
    if (this.errorCount > 0) return;
    this.builder.add(row.family, row.words, row.length, this.info(row.origins[0]!, row.cc, row.asName));
    this.batch.push(row);
  }

  /** One shared record per (AS, country, name): a full table has ~1M prefixes but ~75k ASes. */
  info(asn: number, cc: string | null, asName: string | null): AsnInfo {
    const key = `${asn}|${cc ?? ''}|${asName ?? ''}`;
    let i = this.infos.get(key);
    if (i === undefined) {
      i = Object.freeze({ asn, cc, asName });
      this.infos.set(key, i);
    }
    return i;
  }
}

async function* hashing(source: AsyncIterable<Uint8Array | string>, hash: ReturnType<typeof createHash>): AsyncGenerator<Uint8Array | string> {
  for await (const piece of source) {
    hash.update(piece);
    yield piece;
  }
}

export function createAsnService(deps: { db: Kysely<DB>; repo: AsnRepository; audit: AuditService; clock: Clock; log: Logger }) {
  const { db, repo, audit, clock, log } = deps;
  let current: { seq: number; table: AsnTable | null; checkedAt: number } | null = null;
  let loading: Promise<AsnTable | null> | null = null;

  async function load(): Promise<AsnTable | null> {
    const latest = await repo.latestImport(db);
    const seq = latest?.seq ?? 0;
    if (current && current.seq === seq) {
      current.checkedAt = Date.now();
      return current.table;
    }
    const started = performance.now();
    const rows = await repo.allPrefixes(db);
    const state = new ImportState();
    const words = new Uint32Array(4);
    for (const r of rows) {
      const code = parseCidrInto(r.prefix, words);
      if (code >= 0) state.builder.add(code >> 8 === 4 ? 4 : 6, words, code & 0xff, state.info(r.asn, r.cc, r.as_name));
    }
    const table = rows.length > 0 ? state.builder.build() : null;
    current = { seq, table, checkedAt: Date.now() };
    log.info({ prefixes: rows.length, seq, ms: Math.round(performance.now() - started) }, 'asn prefix table loaded');
    return table;
  }

  return {
    /**
     * Replaces the whole table with the file's content in one transaction, audited. Any bad line
     * rejects the import (422 `asn.import_rejected`, details.errors = [{ line, code, message }]).
     */
    async import(source: AsyncIterable<Uint8Array | string>, opts: { source: 'api' | 'cli' | 'sample' }, actor: Actor): Promise<AsnImportSummary> {
      const hash = createHash('sha256');
      const state = new ImportState();
      const row = await db.transaction().execute(async (tx) => {
        await repo.lockImports(tx);
        await repo.deleteAll(tx);
        for await (const item of readLines(hashing(source, hash))) {
          state.lines = item.line;
          if ('code' in item) {
            state.fail(item);
            continue;
          }
          const parsed = parsePfx2asLine(item.text, item.line);
          if (parsed === null) continue;
          if (isPfx2asError(parsed)) state.fail(parsed);
          else state.add(parsed, item.line);
          if (state.batch.length >= BATCH) {
            await repo.insertMany(tx, state.batch);
            state.batch = [];
          }
        }
        if (state.errorCount > 0) {
          throw new AppError('asn.import_rejected', `The prefix file has ${state.errorCount} bad line(s); nothing was imported`, 422, { errors: state.errors, errorCount: state.errorCount });
        }
        if (state.v4 + state.v6 === 0) throw new AppError('asn.import_empty', 'The prefix file has no prefixes; nothing was imported', 422);
        await repo.insertMany(tx, state.batch);
        const imported = await repo.insertImport(tx, {
          importedAt: clock.now(),
          actor: actor.label,
          source: opts.source,
          sha256: hash.digest('hex'),
          lines: state.lines,
          prefixesV4: state.v4,
          prefixesV6: state.v6,
          asns: state.asns.size,
        });
        const summary: AsnImportSummary = { seq: imported.seq, lines: state.lines, prefixes: { v4: state.v4, v6: state.v6 }, asns: state.asns.size, sha256: imported.sha256 };
        await audit.append(tx, actor, { action: 'asn_prefixes.imported', entityType: 'asn_prefixes', entityId: String(imported.seq), after: { ...summary, source: opts.source } });
        return summary;
      });
      current = { seq: row.seq, table: state.builder.build(), checkedAt: Date.now() };
      log.info({ ...row, source: opts.source }, 'asn prefix table imported');
      return row;
    },

    /** Counts and the last import. */
    async stats(): Promise<AsnStats> {
      const latest = await repo.latestImport(db);
      if (!latest) return { prefixes: { v4: 0, v6: 0 }, asns: 0, lastImport: null };
      return {
        prefixes: { v4: latest.prefixes_v4, v6: latest.prefixes_v6 },
        asns: latest.asns,
        lastImport: { seq: latest.seq, importedAt: new Date(latest.imported_at).toISOString(), actor: latest.actor, source: latest.source, sha256: latest.sha256, lines: latest.lines },
      };
    },

    /**
     * The in-memory table (null when nothing was imported), reloaded when another process imported
     * a newer one; the version is checked at most every 5 s. Concurrent callers share one load.
     */
    table(): Promise<AsnTable | null> {
      if (current && Date.now() - current.checkedAt < VERSION_CHECK_MS) return Promise.resolve(current.table);
      loading ??= load().finally(() => {
        loading = null;
      });
      return loading;
    },

    /** Imports the shipped sample when no table was ever imported; true when it did. */
    async seedIfEmpty(): Promise<boolean> {
      if ((await repo.latestImport(db)) !== undefined || (await repo.countPrefixes(db)) > 0) return false;
      await this.import(fs.createReadStream(SAMPLE_FILE), { source: 'sample' }, SYSTEM_ACTOR);
      return true;
    },
  };
}
