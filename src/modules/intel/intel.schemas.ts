import { z } from '@hono/zod-openapi';

const STIX_ID = /^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
const list = (name: string) =>
  z
    .string()
    .max(4000)
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined))
    .openapi({ param: { name, in: 'query' }, type: 'string', description: 'comma-separated' });

export const TlpEnum = z.enum(['clear', 'green', 'amber', 'amber+strict', 'red']);
export const StixIdParam = z.object({ id: z.string().regex(STIX_ID, 'must be a STIX identifier').openapi({ param: { name: 'id', in: 'path' }, example: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }) });

export const ObjectQuery = z.object({
  type: list('type'),
  id: list('id'),
  q: z.string().trim().min(1).max(200).optional().openapi({ param: { name: 'q', in: 'query' }, description: 'part of the name, value or pattern; or an exact id' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z.string().max(200).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
});

export const ExportQuery = ObjectQuery.omit({ cursor: true }).extend({
  limit: z.coerce.number().int().min(1).max(10_000).default(1000).openapi({ param: { name: 'limit', in: 'query' } }),
});

export const MatchesQuery = z.object({ incident: z.uuid().openapi({ param: { name: 'incident', in: 'query' } }) });

const Issue = z.object({ id: z.string().nullable(), code: z.string(), reason: z.string() });
const Version = z.object({ id: z.string(), modified: z.string() });
export const ImportResultSchema = z
  .object({
    bundleId: z.string().nullable(),
    accepted: z.array(Version),
    duplicates: z.array(Version).openapi({ description: 'id + modified already stored (or twice in the bundle): nothing changed' }),
    rejected: z.array(Issue),
    warnings: z.array(Issue).openapi({ description: 'stored, but: dangling references, unknown markings, unsupported patterns' }),
    idChanges: z.array(z.object({ from: z.string(), to: z.string() })).openapi({ description: 'SCO ids replaced by their deterministic id' }),
    correlations: z.object({ incidents: z.number().int(), events: z.number().int(), overCorrelated: z.array(z.string()) }),
  })
  .openapi('StixImportResult');

export const StixRecordSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    modified: z.string(),
    created: z.string(),
    dateAdded: z.string(),
    tlp: TlpEnum,
    pap: z.string().nullable(),
    source: z.string(),
    revoked: z.boolean(),
    label: z.string().nullable(),
    object: z.record(z.string(), z.unknown()),
  })
  .openapi('StixRecord');

export const ObjectPage = z.object({ items: z.array(StixRecordSchema), nextCursor: z.string().nullable() }).openapi('StixObjectPage');
export const ObjectDetail = z.object({ current: StixRecordSchema, versions: z.array(StixRecordSchema.omit({ object: true })) }).openapi('StixObjectDetail');
export const Edge = z.object({ id: z.string(), sourceRef: z.string(), targetRef: z.string(), relationshipType: z.string() });
export const Relationships = z.object({ edges: z.array(Edge), objects: z.array(StixRecordSchema) }).openapi('StixRelationships');
const Sample = z.object({ targetId: z.string(), kind: z.string(), value: z.string(), matched: z.string(), match: z.enum(['exact', 'range', 'domain']) });
const Seen = z.object({ total: z.number().int(), overCorrelated: z.boolean(), samples: z.array(Sample) });
export const Sightings = z.object({ incidents: Seen, events: Seen, stixSightings: z.array(Edge) }).openapi('IntelSightings');
export const Matches = z
  .object({ items: z.array(z.object({ objectId: z.string(), type: z.string(), label: z.string().nullable(), tlp: TlpEnum, kind: z.string(), value: z.string(), matched: z.string(), match: z.string() })) })
  .openapi('IntelMatches');
export const BundleSchema = z.object({ type: z.literal('bundle'), id: z.string(), objects: z.array(z.record(z.string(), z.unknown())) }).openapi('StixBundle');
