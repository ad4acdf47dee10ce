import { z } from '@hono/zod-openapi';

export const ASSET_TYPES = ['cidr', 'asn', 'domain', 'email_domain'] as const;
export const AssetTypeSchema = z.enum(ASSET_TYPES);

const name = z.string().trim().min(1).max(200);
const country = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'));
const sector = z.string().trim().toLowerCase().min(1).max(63);

export const SectorSchema = z.object({ code: z.string(), name: z.string() }).openapi('Sector');
export const SectorList = z.object({ items: z.array(SectorSchema) }).openapi('SectorList');
export const CreateSectorRequest = z
  .object({ code: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and hyphens'), name })
  .openapi('CreateSectorRequest');

export const OrganizationSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    sector: z.string(),
    isCii: z.boolean(),
    ciiCategory: z.string().nullable(),
    country: z.string(),
    assetCount: z.number().int(),
    contactCount: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Organization');
export type Organization = z.infer<typeof OrganizationSchema>;

export const AssetSchema = z
  .object({ id: z.uuid(), organizationId: z.uuid(), type: AssetTypeSchema, value: z.string(), createdAt: z.iso.datetime() })
  .openapi('Asset');
export type Asset = z.infer<typeof AssetSchema>;

export const ContactSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    name: z.string(),
    role: z.string(),
    email: z.string(),
    phone: z.string().nullable(),
    is24x7: z.boolean(),
    pgpKey: z.string().nullable(),
    pgpFingerprint: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Contact');
export type Contact = z.infer<typeof ContactSchema>;

export const OrganizationDetail = OrganizationSchema.extend({ assets: z.array(AssetSchema), contacts: z.array(ContactSchema) }).openapi(
  'OrganizationDetail',
);

export const OrganizationInput = z
  .object({
    name,
    sector,
    isCii: z.boolean().default(false),
    ciiCategory: z.string().trim().min(1).max(100).nullable().optional(),
    country,
  })
  .openapi('OrganizationInput');
export type OrganizationInputT = z.infer<typeof OrganizationInput>;

export const OrganizationPatch = z
  .object({
    name: name.optional(),
    sector: sector.optional(),
    isCii: z.boolean().optional(),
    ciiCategory: z.string().trim().min(1).max(100).nullable().optional(),
    country: country.optional(),
  })
  .openapi('OrganizationPatch');
export type OrganizationPatchT = z.infer<typeof OrganizationPatch>;

export const OrganizationList = z.object({ items: z.array(OrganizationSchema), nextCursor: z.string().nullable() }).openapi('OrganizationList');

export const OrganizationQuery = z.object({
  q: z.string().max(200).optional().openapi({ param: { name: 'q', in: 'query' }, description: 'Part of the name' }),
  sector: z.string().max(63).optional().openapi({ param: { name: 'sector', in: 'query' } }),
  isCii: z.enum(['true', 'false']).optional().openapi({ param: { name: 'isCii', in: 'query' } }),
  limit: z.coerce.number().int().min(1).max(500).default(25).openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z.string().max(1024).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
});

export const AssetInput = z.object({ type: AssetTypeSchema, value: z.string().trim().min(1).max(300) }).openapi('AssetInput');
export type AssetInputT = z.infer<typeof AssetInput>;

export const OverlapSchema = z
  .object({
    organizationId: z.uuid(),
    organizationName: z.string(),
    assetId: z.uuid(),
    value: z.string(),
    relation: z.enum(['contains', 'contained', 'equal']),
  })
  .openapi('Overlap');
export const CreatedAsset = z.object({ asset: AssetSchema, overlaps: z.array(OverlapSchema) }).openapi('CreatedAsset');

export const ContactInput = z
  .object({
    name,
    role: z.string().trim().min(1).max(100),
    email: z.string().trim().max(254).pipe(z.email()),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()./-]{3,40}$/, 'must be a phone number')
      .nullable()
      .optional(),
    is24x7: z.boolean().default(false),
    pgpKey: z.string().max(100_000).nullable().optional(),
  })
  .openapi('ContactInput');
export type ContactInputT = z.infer<typeof ContactInput>;
export const ContactPatch = ContactInput.partial().openapi('ContactPatch');
export type ContactPatchT = z.infer<typeof ContactPatch>;

export const LookupQuery = z.object({
  q: z.string().min(1).max(2048).openapi({ param: { name: 'q', in: 'query' }, example: '198.18.1.10' }),
});
export const LookupResponse = z
  .object({
    query: z.string(),
    kind: z.enum(['ipv4', 'ipv6', 'cidr', 'asn', 'domain', 'url', 'email']),
    normalized: z.string(),
    isOverlapping: z.boolean(),
    matches: z.array(
      z.object({
        organization: z.object({ id: z.uuid(), name: z.string(), sector: z.string(), isCii: z.boolean() }),
        asset: z.object({ id: z.uuid(), type: AssetTypeSchema, value: z.string() }),
        matchType: z.enum(['prefix', 'asn', 'domain', 'email_domain']),
        specificity: z.number().int(),
      }),
    ),
  })
  .openapi('LookupResult');
export type LookupResponseT = z.infer<typeof LookupResponse>;
