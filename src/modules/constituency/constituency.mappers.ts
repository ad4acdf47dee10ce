import type { AssetRow, ContactRow, OrganizationRow } from '../../platform/db/schema.ts';
import type { Asset, Contact, Organization } from './constituency.schemas.ts';

export type OrganizationWithCounts = OrganizationRow & { asset_count: number | null; contact_count: number | null };

export function toOrganization(r: OrganizationWithCounts): Organization {
  return {
    id: r.id,
    name: r.name,
    sector: r.sector,
    isCii: r.is_cii,
    ciiCategory: r.cii_category,
    country: r.country,
    assetCount: Number(r.asset_count ?? 0),
    contactCount: Number(r.contact_count ?? 0),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function toAsset(r: AssetRow): Asset {
  return { id: r.id, organizationId: r.organization_id, type: r.type, value: r.value, createdAt: r.created_at.toISOString() };
}

export function toContact(r: ContactRow): Contact {
  return {
    id: r.id,
    organizationId: r.organization_id,
    name: r.name,
    role: r.role,
    email: r.email,
    phone: r.phone,
    is24x7: r.is_24x7,
    pgpKey: r.pgp_key,
    pgpFingerprint: r.pgp_fingerprint,
    createdAt: r.created_at.toISOString(),
  };
}
