import { z } from '@hono/zod-openapi';

const name = z.string().trim().min(1).max(200);
const TlpSchema = z.enum(['clear', 'green', 'amber', 'amber+strict', 'red']);

export const PartnerKindSchema = z.enum(['national_cert', 'sector_cert', 'international_body', 'isac', 'vendor', 'other']);

export const PartnerContact = z.object({
  name,
  role: z.string().trim().max(100).optional(),
  email: z.string().trim().max(254).pipe(z.email()),
  phone: z.string().trim().regex(/^\+?[0-9 ()./-]{3,40}$/, 'must be a phone number').optional(),
  pgpFingerprint: z.string().trim().regex(/^[0-9A-Fa-f ]{32,60}$/, 'must be a PGP fingerprint').optional(),
});

const partnerFields = {
  name,
  country: z.string().regex(/^([A-Z]{2}|INT)$/, 'ISO 3166-1 alpha-2 code, or INT for an international body'),
  kind: PartnerKindSchema,
  contacts: z.array(PartnerContact).max(50),
  status: z.enum(['active', 'suspended']).openapi({ description: 'A suspended partner receives nothing and may post nothing' }),
  description: z.string().trim().max(4000).nullable(),
};

export const PartnerInput = z
  .object({
    ...partnerFields,
    contacts: partnerFields.contacts.default([]),
    status: partnerFields.status.default('active'),
    description: partnerFields.description.optional(),
  })
  .openapi('PartnerInput');
export type PartnerInputT = z.infer<typeof PartnerInput>;

export const PartnerPatch = z.object(partnerFields).partial().openapi('PartnerPatch');
export type PartnerPatchT = z.infer<typeof PartnerPatch>;

export const PartnerSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    country: z.string(),
    kind: PartnerKindSchema,
    contacts: z.array(PartnerContact),
    status: z.enum(['active', 'suspended']),
    description: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Partner');

export const PartnerAccountInput = z
  .object({ email: z.string().trim().max(254).pipe(z.email()), name, password: z.string().min(12).max(200).optional() })
  .openapi('PartnerAccountInput');

const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(100).nullable();

const agreementFields = {
  title: name,
  purpose: z.string().trim().min(1).max(2000),
  direction: z.enum(['outbound', 'inbound', 'both']).openapi({ description: 'outbound: the partner may read its collection; inbound: it may POST into it; both' }),
  tlpLevels: z.array(TlpSchema).min(1).max(5).openapi({ description: 'Levels covered; RED and AMBER+STRICT never leave whatever is listed (they matter for inbound only)' }),
  rsitClasses: list(z.string().regex(/^[a-z-]+(\/[a-z0-9-]+)?$/, 'RSIT taxonomy or taxonomy/type')).openapi({ description: 'null = any; else objects must carry a listed class' }),
  objectTypes: list(z.string().regex(/^[a-z0-9][a-z0-9-]{0,249}$/, 'a STIX type')).openapi({ description: 'null = any STIX type' }),
  sectors: list(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a sector code')).openapi({ description: 'null = any; else objects must concern a listed sector' }),
  community: z.boolean().openapi({ description: 'The partner is in the community within which third-party TLP:GREEN may be passed on' }),
  constituentIdentities: z.enum(['keep', 'remove']),
  constituentAddresses: z.enum(['keep', 'generalize', 'remove']),
  validFrom: z.iso.datetime({ offset: true }),
  validUntil: z.iso.datetime({ offset: true }).nullable(),
};

export const AgreementInput = z
  .object({
    ...agreementFields,
    rsitClasses: agreementFields.rsitClasses.default(null),
    objectTypes: agreementFields.objectTypes.default(null),
    sectors: agreementFields.sectors.default(null),
    community: agreementFields.community.default(false),
    constituentIdentities: agreementFields.constituentIdentities.default('remove'),
    constituentAddresses: agreementFields.constituentAddresses.default('generalize'),
    validUntil: agreementFields.validUntil.default(null),
  })
  .openapi('AgreementInput');
export type AgreementInputT = z.infer<typeof AgreementInput>;

export const AgreementPatch = z
  .object({ ...agreementFields, status: z.enum(['active', 'terminated']) })
  .partial()
  .openapi('AgreementPatch');
export type AgreementPatchT = z.infer<typeof AgreementPatch>;

export const AgreementSchema = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    collectionId: z.uuid().openapi({ description: 'The TAXII collection this agreement yields' }),
    title: z.string(),
    purpose: z.string(),
    direction: z.enum(['outbound', 'inbound', 'both']),
    tlpLevels: z.array(TlpSchema),
    rsitClasses: z.array(z.string()).nullable(),
    objectTypes: z.array(z.string()).nullable(),
    sectors: z.array(z.string()).nullable(),
    community: z.boolean(),
    constituentIdentities: z.enum(['keep', 'remove']),
    constituentAddresses: z.enum(['keep', 'generalize', 'remove']),
    validFrom: z.iso.datetime(),
    validUntil: z.iso.datetime().nullable(),
    status: z.enum(['active', 'terminated']),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Agreement');

const Count = z.record(z.string(), z.number().int());

export const PreviewSchema = z
  .object({
    partnerId: z.uuid(),
    at: z.iso.datetime(),
    scanned: z.number().int().openapi({ description: 'Latest versions examined' }),
    truncated: z.boolean().openapi({ description: 'The store holds more than the preview examines' }),
    agreements: z.array(
      z.object({
        agreementId: z.uuid(),
        collectionId: z.uuid(),
        title: z.string(),
        standing: z.string().openapi({ description: '"in_force", or why nothing leaves under it (agreement.expired, ...)' }),
        allowed: z.number().int(),
        sanitized: z.number().int(),
        byType: Count,
        byTlp: Count,
        excluded: z.array(z.object({ reason: z.string(), count: z.number().int(), types: Count })),
        sample: z.array(z.record(z.string(), z.unknown())),
      }),
    ),
  })
  .openapi('SharingPreview');

export const LedgerQuery = z.object({
  partner: z.uuid().optional().openapi({ param: { name: 'partner', in: 'query' } }),
  from: z.iso.datetime({ offset: true }).optional().openapi({ param: { name: 'from', in: 'query' } }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ param: { name: 'to', in: 'query' } }),
  format: z.enum(['json', 'csv']).default('json').openapi({ param: { name: 'format', in: 'query' } }),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000).openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z.string().max(100).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
});

/** One object sent: a line of the ledger row (`seq`) of its delivery, at `position` (1-based) in it. */
export const LedgerEntrySchema = z
  .object({
    seq: z.number().int(),
    position: z.number().int(),
    at: z.iso.datetime(),
    partnerId: z.uuid(),
    agreementId: z.uuid(),
    collectionId: z.uuid(),
    objectId: z.string(),
    objectModified: z.string(),
    sha256: z.string(),
    route: z.string(),
    requestId: z.string().nullable(),
    hash: z.string(),
  })
  .openapi('LedgerEntry');

export const LedgerReportSchema = z
  .object({
    summary: z.array(z.object({ partnerId: z.uuid(), sent: z.number().int(), distinctObjects: z.number().int(), firstAt: z.iso.datetime(), lastAt: z.iso.datetime() })),
    items: z.array(LedgerEntrySchema),
    nextCursor: z.string().nullable(),
  })
  .openapi('LedgerReport');

export const LedgerVerifySchema = z
  .object({ ok: z.boolean(), count: z.number().int().openapi({ description: 'Rows (deliveries) verified' }), objects: z.number().int().openapi({ description: 'Objects listed in the verified rows' }), brokenAt: z.number().int().optional(), reason: z.string().optional() })
  .openapi('LedgerVerify');
