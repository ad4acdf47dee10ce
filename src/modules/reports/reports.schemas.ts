import { z } from '@hono/zod-openapi';
import { CATEGORY_KEYS } from './categories.ts';
import { OBSERVABLE_TYPES } from './observables.ts';

export const REPORT_STATUSES = ['received', 'in_review', 'linked', 'closed', 'rejected'] as const;
export const MAX_DESCRIPTION = 20_000;
export const MAX_GIVEN_OBSERVABLES = 100;

const ObservableType = z.enum(OBSERVABLE_TYPES);
const optionalText = (max: number) => z.string().trim().max(max).optional();

export const GivenObservable = z
  .union([z.string().max(2048), z.object({ type: ObservableType.optional(), value: z.string().max(2048) })])
  .openapi('GivenObservable', { description: 'A URL, IP address, domain, e-mail address or MD5/SHA-1/SHA-256 hash; defanged forms (hxxp, [.]) are understood. A bare string has its type recognized.' });

/** The public form, as JSON or as the text fields of multipart/form-data (files go in `attachments`). */
export const ReportSubmission = z
  .object({
    category: z.string().max(64).openapi({ enum: [...CATEGORY_KEYS], example: 'phishing', description: 'What happened, in plain words; mapped to the ENISA RSIT taxonomy' }),
    description: z.string().max(MAX_DESCRIPTION).optional(),
    observables: z.array(GivenObservable).max(MAX_GIVEN_OBSERVABLES).optional(),
    contactName: optionalText(200),
    contactEmail: z.union([z.literal(''), z.email().max(254)]).optional(),
    contactPhone: z.string().trim().max(40).regex(/^[+0-9 ()./-]*$/, 'only digits, spaces and + ( ) . / -').optional(),
    website: z.string().max(2000).optional().openapi({ description: 'Leave empty (a field for robots)' }),
    powChallenge: z.string().max(512).openapi({ description: 'From GET /reports/challenge' }),
    powNonce: z.string().max(64).openapi({ description: 'SHA-256(powChallenge + powNonce) has `difficulty` leading zero bits' }),
  })
  .openapi('ReportSubmission');
export type ReportSubmission = z.infer<typeof ReportSubmission>;

export const ReportReceipt = z
  .object({
    trackingCode: z.string().openapi({ example: 'VR-7K4Q-9M2X' }),
    secret: z.string().openapi({ description: 'Shown once: with the tracking code it opens the status page' }),
    statusUrl: z.string(),
    createdAt: z.iso.datetime(),
    observables: z.number().int().openapi({ description: 'How many observables were kept' }),
    observablesTruncated: z.boolean(),
    discarded: z.object({ description: z.boolean(), attachments: z.number().int(), observables: z.number().int() }).optional(),
    notice: z.string().optional(),
  })
  .openapi('ReportReceipt');

export const PowChallenge = z.object({ challenge: z.string(), difficulty: z.number().int(), expiresAt: z.iso.datetime() }).openapi('ReportChallenge');

export const StatusRequest = z.object({ trackingCode: z.string().min(1).max(64), secret: z.string().min(1).max(128) }).openapi('ReportStatusRequest');

export const PublicStatus = z
  .object({
    trackingCode: z.string(),
    status: z.enum(REPORT_STATUSES),
    category: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    publicNote: z.string().nullable(),
  })
  .openapi('ReportPublicStatus');

const ReportObservable = z.object({ type: ObservableType, value: z.string(), source: z.enum(['given', 'extracted']) }).openapi('ReportObservable');

export const ReportSummary = z
  .object({
    id: z.uuid(),
    trackingCode: z.string(),
    category: z.string(),
    rsit: z.object({ taxonomy: z.string(), type: z.string() }),
    status: z.enum(REPORT_STATUSES),
    descriptionPreview: z.string().nullable(),
    observableCount: z.number().int(),
    attachmentCount: z.number().int(),
    incidentId: z.uuid().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('ReportSummary');

export const ReportList = z.object({ items: z.array(ReportSummary), nextCursor: z.string().nullable() }).openapi('ReportList');

export const ReportAttachment = z
  .object({ sha256: z.string(), filename: z.string(), declaredType: z.string().nullable(), sniffedType: z.string(), size: z.number().int() })
  .openapi('ReportAttachment');

export const ReportDetail = z
  .object({
    id: z.uuid(),
    trackingCode: z.string(),
    category: z.string(),
    rsit: z.object({ taxonomy: z.string(), type: z.string() }),
    status: z.enum(REPORT_STATUSES),
    publicNote: z.string().nullable(),
    description: z.string().nullable(),
    contact: z.object({ name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() }).nullable(),
    observables: z.array(ReportObservable),
    attachments: z.array(ReportAttachment),
    submitter: z.object({ addressHash: z.string(), userAgent: z.string().nullable() }),
    incidentId: z.uuid().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('ReportDetail');

export const ReportListQuery = z.object({
  status: z.enum(REPORT_STATUSES).optional().openapi({ param: { name: 'status', in: 'query' } }),
  category: z.enum(CATEGORY_KEYS as [string, ...string[]]).optional().openapi({ param: { name: 'category', in: 'query' } }),
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z.string().max(512).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
});

export const ReportPatch = z
  .object({
    status: z.enum(REPORT_STATUSES).optional(),
    publicNote: z.string().trim().max(2000).nullable().optional().openapi({ description: 'Shown to the reporter on the status page; null clears it' }),
    incidentId: z.uuid().nullable().optional(),
  })
  .refine((p) => p.status !== undefined || p.publicNote !== undefined || p.incidentId !== undefined, 'Give status, publicNote or incidentId')
  .openapi('ReportPatch');
export type ReportPatch = z.infer<typeof ReportPatch>;
