import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { AssetRow, ContactRow, DB, OrganizationRow } from '../../platform/db/schema.ts';
import { AppError, isUniqueViolation, notFound } from '../../platform/errors.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import { normalizeAsset } from './assets.ts';
import type { AssetInputT, ContactInputT, ContactPatchT, OrganizationInputT, OrganizationPatchT } from './constituency.schemas.ts';
import type { ConstituencyRepository, OrgCursor, OrgFilter } from './constituency.repository.ts';
import type { LookupService } from './lookup.service.ts';
import { pgpFingerprint } from './pgp.ts';
import type { OrgScope } from './scope.ts';

export type OrganizationsService = ReturnType<typeof createOrganizationsService>;

const orgNotFound = () => notFound('organization.not_found', 'Organization not found');
const isOrgCursor = (v: unknown): v is OrgCursor => typeof (v as OrgCursor)?.k === 'string' && typeof (v as OrgCursor)?.i === 'string';

/** Throws `organization.unknown_sector` unless `code` is a configured sector. */
export async function checkSector(db: Kysely<DB>, repo: ConstituencyRepository, code: string): Promise<void> {
  const sectors = await repo.listSectors(db);
  if (!sectors.some((s) => s.code === code)) {
    throw new AppError('organization.unknown_sector', `Unknown sector "${code}"`, 400, { sector: code, allowed: sectors.map((s) => s.code) });
  }
}

/** A contact's stored form; the PGP key, if any, must parse and yields the fingerprint. */
export function contactRow(organizationId: string, input: ContactInputT, now: Date, id: string = randomUUID()): ContactRow {
  let fingerprint: string | null = null;
  if (input.pgpKey) {
    const fp = pgpFingerprint(input.pgpKey);
    if (!fp.ok) throw new AppError(fp.code, fp.message, 400, { field: 'pgpKey' });
    fingerprint = fp.value;
  }
  return {
    id,
    organization_id: organizationId,
    name: input.name,
    role: input.role,
    email: input.email,
    phone: input.phone ?? null,
    is_24x7: input.is24x7,
    pgp_key: input.pgpKey ?? null,
    pgp_fingerprint: fingerprint,
    created_at: now,
    updated_at: now,
  };
}

/**
 * Organizations, their network assets and contacts. Lock order, everywhere: the asset change lock,
 * then organization rows, then the audit chain — so concurrent writers never deadlock.
 */
export function createOrganizationsService(deps: {
  db: Kysely<DB>;
  repo: ConstituencyRepository;
  audit: AuditService;
  clock: Clock;
  lookup: LookupService;
}) {
  const { db, repo, audit, clock, lookup } = deps;

  async function lockedOrg(tx: Kysely<DB>, id: string): Promise<OrganizationRow> {
    const org = await repo.findOrganizationRow(tx, id);
    if (!org) throw orgNotFound();
    return org;
  }

  function duplicateName(err: unknown): never {
    if (isUniqueViolation(err, 'organizations_name_key_uq')) {
      throw new AppError('organization.duplicate_name', 'An organization with this name already exists', 409);
    }
    throw err;
  }

  return {
    async list(scope: OrgScope, filter: OrgFilter, limit: number, cursor?: string) {
      const after = decodeCursor(cursor, isOrgCursor);
      const rows = await repo.listOrganizations(db, scope, filter, after, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor({ k: last.name_key, i: last.id }) : null };
    },

    async get(scope: OrgScope, id: string) {
      const org = await repo.findOrganization(db, id, scope);
      if (!org) throw orgNotFound();
      const [assets, contacts] = await Promise.all([repo.listAssets(db, id), repo.listContacts(db, id)]);
      return { org, assets, contacts };
    },

    async create(input: OrganizationInputT, actor: Actor): Promise<OrganizationRow> {
      await checkSector(db, repo, input.sector);
      const now = clock.now();
      const row: OrganizationRow = {
        id: randomUUID(),
        name: input.name,
        name_key: input.name.toLowerCase(),
        sector: input.sector,
        is_cii: input.isCii,
        cii_category: input.isCii ? (input.ciiCategory ?? null) : null,
        country: input.country,
        created_at: now,
        updated_at: now,
      };
      await db.transaction().execute(async (tx) => {
        await repo.insertOrganization(tx, row).catch(duplicateName);
        await audit.append(tx, actor, { action: 'organization.created', entityType: 'organization', entityId: row.id, after: row });
      });
      return row;
    },

    async update(id: string, patch: OrganizationPatchT, actor: Actor): Promise<OrganizationRow> {
      if (patch.sector) await checkSector(db, repo, patch.sector);
      return db.transaction().execute(async (tx) => {
        const before = await lockedOrg(tx, id);
        const isCii = patch.isCii ?? before.is_cii;
        const after = await repo
          .updateOrganization(tx, id, {
            ...(patch.name ? { name: patch.name, name_key: patch.name.toLowerCase() } : {}),
            ...(patch.sector ? { sector: patch.sector } : {}),
            ...(patch.country ? { country: patch.country } : {}),
            is_cii: isCii,
            cii_category: isCii ? (patch.ciiCategory !== undefined ? patch.ciiCategory : before.cii_category) : null,
            updated_at: clock.now(),
          })
          .catch(duplicateName);
        await audit.append(tx, actor, { action: 'organization.updated', entityType: 'organization', entityId: id, before, after });
        return after;
      });
    },

    async remove(id: string, actor: Actor): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await repo.lockAssetChanges(tx);
        const before = await lockedOrg(tx, id);
        const assets = await repo.listAssets(tx, id);
        await repo.deleteOrganization(tx, id).catch((err: { code?: string }) => {
          if (err?.code === '23503') throw new AppError('organization.in_use', 'Users still belong to this organization', 409);
          throw err;
        });
        await repo.recordAssetChanges(tx, assets.map((a) => ({ op: 'remove' as const, asset_id: a.id, organization_id: id, type: a.type, value: a.value })));
        await audit.append(tx, actor, { action: 'organization.deleted', entityType: 'organization', entityId: id, before: { ...before, assets } });
      });
      lookup.changed();
    },

    async addAsset(id: string, input: AssetInputT, actor: Actor) {
      const norm = normalizeAsset(input.type, input.value);
      if (!norm.ok) throw new AppError(norm.code, norm.message, 400, { field: 'value' });
      const row: AssetRow = { id: randomUUID(), organization_id: id, type: input.type, value: norm.value, created_at: clock.now() };
      await db.transaction().execute(async (tx) => {
        await repo.lockAssetChanges(tx);
        await lockedOrg(tx, id);
        const inserted = await repo.insertAssets(tx, [row]);
        if (!inserted.length) throw new AppError('asset.duplicate', `${input.type} ${norm.value} is already registered for this organization`, 409);
        await repo.recordAssetChanges(tx, [{ op: 'add', asset_id: row.id, organization_id: id, type: row.type, value: row.value }]);
        await audit.append(tx, actor, { action: 'asset.added', entityType: 'organization', entityId: id, after: row });
      });
      const overlaps = await lookup.overlapsFor(row);
      lookup.changed();
      return { asset: row, overlaps };
    },

    async removeAsset(id: string, assetId: string, actor: Actor): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await repo.lockAssetChanges(tx);
        await lockedOrg(tx, id);
        const asset = await repo.findAsset(tx, id, assetId);
        if (!asset) throw notFound('asset.not_found', 'Asset not found');
        await repo.deleteAsset(tx, assetId);
        await repo.recordAssetChanges(tx, [{ op: 'remove', asset_id: asset.id, organization_id: id, type: asset.type, value: asset.value }]);
        await audit.append(tx, actor, { action: 'asset.removed', entityType: 'organization', entityId: id, before: asset });
      });
      lookup.changed();
    },

    async addContact(id: string, input: ContactInputT, actor: Actor): Promise<ContactRow> {
      const row = contactRow(id, input, clock.now());
      await db.transaction().execute(async (tx) => {
        await lockedOrg(tx, id);
        await repo.insertContact(tx, row);
        await audit.append(tx, actor, { action: 'contact.added', entityType: 'organization', entityId: id, after: row });
      });
      return row;
    },

    async updateContact(id: string, contactId: string, patch: ContactPatchT, actor: Actor): Promise<ContactRow> {
      return db.transaction().execute(async (tx) => {
        await lockedOrg(tx, id);
        const before = await repo.findContact(tx, id, contactId);
        if (!before) throw notFound('contact.not_found', 'Contact not found');
        const merged = contactRow(id, { ...fromRow(before), ...patch } as ContactInputT, before.created_at, contactId);
        const after = await repo.updateContact(tx, contactId, { ...merged, created_at: before.created_at, updated_at: clock.now() });
        await audit.append(tx, actor, { action: 'contact.updated', entityType: 'organization', entityId: id, before, after });
        return after;
      });
    },

    async removeContact(id: string, contactId: string, actor: Actor): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await lockedOrg(tx, id);
        const before = await repo.findContact(tx, id, contactId);
        if (!before) throw notFound('contact.not_found', 'Contact not found');
        await repo.deleteContact(tx, contactId);
        await audit.append(tx, actor, { action: 'contact.removed', entityType: 'organization', entityId: id, before });
      });
    },
  };
}

function fromRow(r: ContactRow): ContactInputT {
  return { name: r.name, role: r.role, email: r.email, phone: r.phone, is24x7: r.is_24x7, pgpKey: r.pgp_key };
}
