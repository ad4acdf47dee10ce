import type { z } from '@hono/zod-openapi';
import type { Agreement } from './policy.ts';
import type { AgreementSchema, PartnerContact, PartnerSchema } from './sharing.schemas.ts';
import type { AgreementRow, PartnerRow } from './sharing.tables.ts';
import type { Tlp } from './stix-facets.ts';

export function toPartner(row: PartnerRow): z.infer<typeof PartnerSchema> {
  return {
    id: row.id,
    name: row.name,
    country: row.country,
    kind: row.kind,
    contacts: row.contacts as z.infer<typeof PartnerContact>[],
    status: row.status,
    description: row.description,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toAgreementDto(row: AgreementRow): z.infer<typeof AgreementSchema> {
  return {
    id: row.id,
    partnerId: row.partner_id,
    collectionId: row.collection_id,
    title: row.title,
    purpose: row.purpose,
    direction: row.direction,
    tlpLevels: row.tlp_levels as Tlp[],
    rsitClasses: row.rsit_classes,
    objectTypes: row.object_types,
    sectors: row.sectors,
    community: row.community,
    constituentIdentities: row.constituent_identities,
    constituentAddresses: row.constituent_addresses,
    validFrom: row.valid_from.toISOString(),
    validUntil: row.valid_until?.toISOString() ?? null,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The policy's view of an agreement row. */
export function toAgreement(row: AgreementRow): Agreement {
  return {
    id: row.id,
    partnerId: row.partner_id,
    collectionId: row.collection_id,
    direction: row.direction,
    status: row.status,
    tlpLevels: row.tlp_levels as Tlp[],
    rsitClasses: row.rsit_classes,
    objectTypes: row.object_types,
    sectors: row.sectors,
    community: row.community,
    constituentIdentities: row.constituent_identities,
    constituentAddresses: row.constituent_addresses,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
  };
}
