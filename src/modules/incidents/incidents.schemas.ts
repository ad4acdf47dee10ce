import { z } from '@hono/zod-openapi';
import { STATES } from './incidents.states.ts';

export const SeveritySchema = z.enum(['critical', 'high', 'medium', 'low']);
export const TlpSchema = z
  .string()
  .transform((v) => v.trim().toLowerCase().replace(/^tlp:/, '').replace(/^white$/, 'clear'))
  .pipe(z.enum(['clear', 'green', 'amber', 'amber+strict', 'red']))
  .openapi({ type: 'string', enum: ['clear', 'green', 'amber', 'amber+strict', 'red'], description: 'TLP 2.0 (TLP:WHITE is read as CLEAR)' });
export const PapSchema = z
  .string()
  .transform((v) => v.trim().toLowerCase().replace(/^pap:/, '').replace(/^white$/, 'clear'))
  .pipe(z.enum(['clear', 'green', 'amber', 'red']))
  .openapi({ type: 'string', enum: ['clear', 'green', 'amber', 'red'] });
export const StateSchema = z.enum(STATES as [string, ...string[]]);
export const OBSERVABLE_TYPES = ['url', 'ipv4', 'ipv6', 'domain', 'email', 'md5', 'sha1', 'sha256', 'asn'] as const;
export const ObservableSchema = z.object({ type: z.enum(OBSERVABLE_TYPES), value: z.string().trim().min(1).max(2048) }).openapi('Observable');

const when = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max);

export const IncidentSchema = z
  .object({
    id: z.uuid(),
    ref: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    state: StateSchema,
    allowedTransitions: z.array(StateSchema),
    severity: SeveritySchema,
    rsit: z.object({ taxonomy: z.string(), type: z.string() }),
    tlp: z.string(),
    pap: z.string(),
    organizationId: z.uuid().nullable(),
    ciiObject: z.string().nullable(),
    source: z.enum(['analyst', 'center', 'report']),
    sourceCenterId: z.uuid().nullable(),
    externalId: z.string().nullable(),
    assigneeUserId: z.uuid().nullable(),
    assigneeCenterId: z.uuid().nullable(),
    detectedAt: z.iso.datetime().nullable(),
    startedAt: z.iso.datetime().nullable(),
    awareAt: z.iso.datetime(),
    affectedSystems: z.string().nullable(),
    mergedInto: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    closedAt: z.iso.datetime().nullable(),
  })
  .openapi('Incident');
export type Incident = z.infer<typeof IncidentSchema>;

export const IncidentDetail = IncidentSchema.extend({ observables: z.array(z.object({ type: z.string(), value: z.string() })) }).openapi('IncidentDetail');

const common = {
  description: z.string().trim().max(100_000).nullable().optional(),
  severity: SeveritySchema,
  rsitTaxonomy: text(64),
  rsitType: text(64),
  tlp: TlpSchema.default('amber'),
  pap: PapSchema.default('amber'),
  organizationId: z.uuid().nullable().optional(),
  ciiObject: text(200).nullable().optional(),
  detectedAt: when.nullable().optional(),
  startedAt: when.nullable().optional(),
  affectedSystems: z.string().trim().max(10_000).nullable().optional(),
  observables: z.array(ObservableSchema).max(1000).default([]),
};

export const CreateIncident = z.object({ title: text(300), awareAt: when.optional(), ...common }).openapi('CreateIncident');
export type CreateIncidentT = z.infer<typeof CreateIncident>;

export const CenterNotification = z
  .object({
    ...common,
    externalId: z.string().trim().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
    organizationId: z.uuid(),
    title: text(300).optional(),
    status: z.enum(['open', 'contained', 'resolved']).default('open').openapi({ description: "The center's own view of the incident" }),
    description: z.string().trim().min(1).max(100_000),
    detectedAt: when,
  })
  .openapi('CenterNotification');
export type CenterNotificationT = z.infer<typeof CenterNotification>;

export const MAX_BATCH = 500;
// Items are validated one by one by the service, so that one bad item does not fail the others.
export const CenterNotificationBatch = z
  .object({
    items: z
      .array(z.unknown())
      .min(1)
      .max(MAX_BATCH)
      .openapi({ type: 'array', items: { $ref: '#/components/schemas/CenterNotification' }, minItems: 1, maxItems: MAX_BATCH, description: 'Notifications; each is validated and answered on its own' }),
  })
  .openapi('CenterNotificationBatch');
export const NotificationBatchItem = z
  .object({
    index: z.number().int().openapi({ description: 'Position in the request' }),
    externalId: z.string().nullable(),
    outcome: z.enum(['created', 'updated', 'unchanged', 'rejected']),
    incident: z.object({ id: z.uuid(), ref: z.string(), state: StateSchema, version: z.number().int(), updatedAt: z.iso.datetime() }).optional(),
    error: z.object({ code: z.string(), message: z.string(), status: z.number().int(), details: z.unknown().optional() }).optional().openapi({ description: 'Why this item was rejected (the others were still applied)' }),
  })
  .openapi('NotificationBatchItem');
export const NotificationBatchResult = z
  .object({ items: z.array(NotificationBatchItem), created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), rejected: z.number().int() })
  .openapi('NotificationBatchResult');

export const IncidentPatch = z
  .object({
    version: z.number().int().min(1),
    title: text(300).optional(),
    description: z.string().trim().max(100_000).nullable().optional(),
    severity: SeveritySchema.optional(),
    rsitTaxonomy: text(64).optional(),
    rsitType: text(64).optional(),
    tlp: TlpSchema.optional(),
    pap: PapSchema.optional(),
    organizationId: z.uuid().nullable().optional(),
    ciiObject: text(200).nullable().optional(),
    affectedSystems: z.string().trim().max(10_000).nullable().optional(),
  })
  .openapi('IncidentPatch');
export type IncidentPatchT = z.infer<typeof IncidentPatch>;

export const Transition = z.object({ to: StateSchema, version: z.number().int().min(1), reason: z.string().trim().max(2000).optional() }).openapi('Transition');
export const Assign = z
  .object({ version: z.number().int().min(1), userId: z.uuid().nullable().optional(), centerId: z.uuid().nullable().optional() })
  .openapi('Assignment');
export const Merge = z.object({ into: z.uuid(), version: z.number().int().min(1) }).openapi('Merge');

const csv = (name: string) => z.string().max(500).optional().openapi({ param: { name, in: 'query' }, description: 'comma-separated' });
export const IncidentQuery = z.object({
  state: csv('state').openapi({ param: { name: 'state', in: 'query' }, description: 'comma-separated states; `open` stands for every open state (new to recovery)' }),
  severity: csv('severity'),
  tlp: csv('tlp'),
  organizationId: z.uuid().optional().openapi({ param: { name: 'organizationId', in: 'query' } }),
  centerId: z.uuid().optional().openapi({ param: { name: 'centerId', in: 'query' } }),
  sector: z.string().max(63).optional().openapi({ param: { name: 'sector', in: 'query' } }),
  taxonomy: z.string().max(64).optional().openapi({ param: { name: 'taxonomy', in: 'query' } }),
  from: when.optional().openapi({ param: { name: 'from', in: 'query' } }),
  to: when.optional().openapi({ param: { name: 'to', in: 'query' } }),
  q: z.string().max(200).optional().openapi({ param: { name: 'q', in: 'query' }, description: 'full-text search' }),
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z.string().max(512).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
});
export type IncidentQueryT = z.infer<typeof IncidentQuery>;
export const IncidentList = z.object({ items: z.array(IncidentSchema), nextCursor: z.string().nullable() }).openapi('IncidentList');

export const TimelineEntry = z
  .object({ id: z.number().int(), at: z.iso.datetime(), actorId: z.uuid().nullable(), actorLabel: z.string(), kind: z.string(), data: z.unknown() })
  .openapi('TimelineEntry');
export const TaskSchema = z
  .object({ id: z.uuid(), title: z.string(), status: z.enum(['open', 'done']), assigneeUserId: z.uuid().nullable(), dueAt: z.iso.datetime().nullable(), createdAt: z.iso.datetime() })
  .openapi('Task');
export const CreateTask = z.object({ title: text(300), assigneeUserId: z.uuid().nullable().optional(), dueAt: when.nullable().optional() }).openapi('CreateTask');
export const UpdateTask = z.object({ title: text(300).optional(), status: z.enum(['open', 'done']).optional(), assigneeUserId: z.uuid().nullable().optional(), dueAt: when.nullable().optional() }).openapi('UpdateTask');
export const CommentSchema = z.object({ id: z.uuid(), authorId: z.uuid().nullable(), authorLabel: z.string(), body: z.string(), createdAt: z.iso.datetime() }).openapi('Comment');
export const CreateComment = z.object({ body: text(20_000) }).openapi('CreateComment');
