import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { AssetRow, ContactRow, DB, OrganizationRow } from '../../../platform/db/schema.ts';
import { AppError, isUniqueViolation } from '../../../platform/errors.ts';
import type { Actor, AuditEvent, AuditService } from '../../audit/index.ts';
import type { ConstituencyRepository } from '../constituency.repository.ts';
import type { LookupService } from '../lookup.service.ts';
import { contactRow } from '../organizations.service.ts';
import { parseConstituencyCsv } from './csv.ts';
import type { ImportRow, ImportSummary, ParsedFile, RowError } from './import.types.ts';
import { parseConstituencyJson } from './json.ts';
import { groupRows, type OrgGroup } from './merge.ts';

export type ImportFormat = 'csv' | 'json';
export type ImportOptions = { format: ImportFormat; partial: boolean; dryRun: boolean };
export type ImportResult = { applied: boolean; dryRun: boolean; summary: ImportSummary; errors: RowError[] };
export type ImportService = ReturnType<typeof createImportService>;

class DryRunRollback extends Error {}

/**
 * Bulk import of organizations, assets and contacts. All or nothing by default: any failing row
 * rejects the whole file (422 `import.rejected` with every row error); `partial` applies the rows
 * that pass. The apply step is one transaction, so a crash half-way leaves nothing behind.
 */
export function createImportService(deps: { db: Kysely<DB>; repo: ConstituencyRepository; audit: AuditService; clock: Clock; lookup: LookupService }) {
  const { db, repo, audit, clock, lookup } = deps;

  async function existingByKey(keys: string[]): Promise<Map<string, OrganizationRow>> {
    const out = new Map<string, OrganizationRow>();
    for (let i = 0; i < keys.length; i += 1000) {
      for (const o of await repo.findOrganizationsByNameKeys(db, keys.slice(i, i + 1000))) out.set(o.name_key, o);
    }
    return out;
  }

  async function applyGroup(tx: Kysely<DB>, g: OrgGroup, before: OrganizationRow | undefined, s: ImportSummary): Promise<AuditEvent | null> {
    const now = clock.now();
    let org: OrganizationRow;
    let changed = false;
    if (!before) {
      org = { id: randomUUID(), name: g.name, name_key: g.key, sector: g.sector!, is_cii: g.isCii ?? false, cii_category: g.isCii ? (g.ciiCategory ?? null) : null, country: g.country!, created_at: now, updated_at: now };
      await repo.insertOrganization(tx, org);
      s.organizationsCreated++;
    } else {
      const isCii = g.isCii ?? before.is_cii;
      const next = { sector: g.sector ?? before.sector, country: g.country ?? before.country, is_cii: isCii, cii_category: isCii ? (g.ciiCategory !== undefined ? g.ciiCategory : before.cii_category) : null };
      changed = next.sector !== before.sector || next.country !== before.country || next.is_cii !== before.is_cii || next.cii_category !== before.cii_category;
      org = changed ? await repo.updateOrganization(tx, before.id, { ...next, updated_at: now }) : before;
    }
    const seen = new Set<string>();
    const assetRows: AssetRow[] = [];
    for (const a of g.rows.flatMap((r) => r.assets)) {
      if (seen.has(`${a.type} ${a.value}`)) continue;
      seen.add(`${a.type} ${a.value}`);
      assetRows.push({ id: randomUUID(), organization_id: org.id, type: a.type, value: a.value, created_at: now });
    }
    const added = await repo.insertAssets(tx, assetRows);
    await repo.recordAssetChanges(tx, added.map((a) => ({ op: 'add' as const, asset_id: a.id, organization_id: org.id, type: a.type, value: a.value })));
    s.assetsAdded += added.length;
    const contacts = await upsertContacts(tx, org.id, g, now);
    s.contactsAdded += contacts.added.length;
    if (before && (changed || added.length || contacts.added.length || contacts.updated.length)) s.organizationsUpdated++;
    if (!before || changed || added.length || contacts.added.length || contacts.updated.length) {
      return { action: before ? 'organization.imported_update' : 'organization.imported_create', entityType: 'organization', entityId: org.id, before: before ?? null, after: { ...org, addedAssets: added, addedContacts: contacts.added, updatedContacts: contacts.updated } };
    }
    return null;
  }

  async function upsertContacts(tx: Kysely<DB>, organizationId: string, g: OrgGroup, now: Date) {
    const existing = new Map((await repo.listContacts(tx, organizationId)).map((c) => [c.email.toLowerCase(), c]));
    const added: ContactRow[] = [];
    const updated: ContactRow[] = [];
    for (const input of g.rows.flatMap((r) => r.contacts)) {
      const old = existing.get(input.email.toLowerCase());
      const row = contactRow(organizationId, input, now, old?.id ?? randomUUID());
      if (!old) {
        await repo.insertContact(tx, row);
        added.push(row);
      } else if (old.name !== row.name || old.role !== row.role || old.phone !== row.phone || old.is_24x7 !== row.is_24x7 || old.pgp_key !== row.pgp_key) {
        updated.push(await repo.updateContact(tx, old.id, { ...row, created_at: old.created_at }));
      }
      existing.set(input.email.toLowerCase(), row);
    }
    return { added, updated };
  }

  async function process(parsed: ParsedFile, opts: ImportOptions, actor: Actor, onProgress?: (done: number, total: number) => void): Promise<ImportResult> {
    const existing = await existingByKey([...new Set(parsed.rows.map((r) => r.name.toLowerCase()))]);
    const { groups, errors: groupErrors } = groupRows(parsed.rows, existing);
    const errors = [...parsed.errors, ...groupErrors].sort((a, b) => a.line - b.line);
    const failedLines = new Set(errors.map((e) => e.line));
    const summary: ImportSummary = { rows: parsed.rowCount, organizationsCreated: 0, organizationsUpdated: 0, assetsAdded: 0, contactsAdded: 0, failedRows: failedLines.size };
    if (parsed.rowCount === 0) throw new AppError('import.empty', 'The file has no rows', 400);
    if (errors.length && !opts.partial) {
      throw new AppError('import.rejected', `${failedLines.size} of ${parsed.rowCount} rows failed; nothing was applied`, 422, { errors, summary });
    }
    try {
      await db.transaction().execute(async (tx) => {
        // Lock order as everywhere: asset changes, organization rows, then the audit chain (held to
        // commit), so the audit entries are appended after all rows are written.
        await repo.lockAssetChanges(tx);
        const events: AuditEvent[] = [];
        let done = 0;
        for (const g of groups) {
          const event = await applyGroup(tx, g, existing.get(g.key), summary);
          if (event) events.push(event);
          onProgress?.(++done, groups.length);
        }
        if (opts.dryRun) throw new DryRunRollback();
        for (const event of events) await audit.append(tx, actor, event);
        await audit.append(tx, actor, { action: 'constituency.imported', entityType: 'import', entityId: null, after: { format: opts.format, partial: opts.partial, summary } });
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AppError('import.concurrent_change', 'Another change to the same organizations was committed meanwhile; nothing was applied, try again', 409);
      }
      if (!(err instanceof DryRunRollback)) throw err;
    }
    if (!opts.dryRun) lookup.changed();
    return { applied: !opts.dryRun, dryRun: opts.dryRun, summary, errors };
  }

  return {
    /** Parses and applies a CSV or JSON file. */
    async run(text: string, opts: ImportOptions, actor: Actor, onProgress?: (done: number, total: number) => void): Promise<ImportResult> {
      const sectors = new Set((await repo.listSectors(db)).map((s) => s.code));
      const parsed = opts.format === 'csv' ? parseConstituencyCsv(text, sectors) : parseConstituencyJson(text, sectors);
      return process(parsed, opts, actor, onProgress);
    },

    /** Applies rows built in code (the demo constituency), with the same checks as a file. */
    applyRows(rows: ImportRow[], actor: Actor): Promise<ImportResult> {
      return process({ rows, errors: [], rowCount: rows.length }, { format: 'json', partial: false, dryRun: false }, actor);
    },
  };
}
