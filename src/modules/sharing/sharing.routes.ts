import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, errors, IdParam, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import type { AgreementsService } from './agreements.service.ts';
import type { PartnersService } from './partners.service.ts';
import type { createPreviewService } from './preview.service.ts';
import { toAgreementDto, toPartner } from './sharing.mappers.ts';
import { AgreementInput, AgreementPatch, AgreementSchema, PartnerAccountInput, PartnerInput, PartnerPatch, PartnerSchema, PreviewSchema } from './sharing.schemas.ts';

const tags = ['sharing'];
const AgreementParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  agreementId: z.uuid().openapi({ param: { name: 'agreementId', in: 'path' } }),
});
const Account = z.object({ id: z.uuid(), email: z.string(), name: z.string(), partnerId: z.uuid() }).openapi('PartnerAccount');

const routes = {
  list: createRoute({ method: 'get', path: '/partners', tags, summary: 'Partner CERTs and international bodies', security: SECURITY, responses: { 200: json(z.object({ items: z.array(PartnerSchema) }), 'Partners'), ...errors(401, 403) } }),
  create: createRoute({ method: 'post', path: '/partners', tags, summary: 'Register a partner', security: SECURITY, request: { body: jsonBody(PartnerInput) }, responses: { 201: json(PartnerSchema, 'Created'), ...errors(400, 401, 403, 409, 415) } }),
  get: createRoute({ method: 'get', path: '/partners/{id}', tags, summary: 'A partner', security: SECURITY, request: { params: IdParam }, responses: { 200: json(PartnerSchema, 'The partner'), ...errors(401, 403, 404) } }),
  update: createRoute({ method: 'patch', path: '/partners/{id}', tags, summary: 'Change a partner (suspend: it receives nothing)', security: SECURITY, request: { params: IdParam, body: jsonBody(PartnerPatch) }, responses: { 200: json(PartnerSchema, 'Updated'), ...errors(400, 401, 403, 404, 409, 415) } }),
  accounts: createRoute({ method: 'get', path: '/partners/{id}/accounts', tags, summary: "The partner's accounts (TAXII access: HTTP Basic or API keys of these users)", security: SECURITY, request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(Account.omit({ partnerId: true })) }), 'Accounts'), ...errors(401, 403, 404) } }),
  addAccount: createRoute({ method: 'post', path: '/partners/{id}/accounts', tags, summary: 'Create an account (role partner) for the partner; API keys: POST /api-keys with its userId', security: SECURITY, request: { params: IdParam, body: jsonBody(PartnerAccountInput) }, responses: { 201: json(Account, 'Created'), ...errors(400, 401, 403, 404, 409, 415) } }),
  agreements: createRoute({ method: 'get', path: '/partners/{id}/agreements', tags, summary: "The partner's agreements (each is one TAXII collection)", security: SECURITY, request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(AgreementSchema) }), 'Agreements'), ...errors(401, 403, 404) } }),
  addAgreement: createRoute({ method: 'post', path: '/partners/{id}/agreements', tags, summary: 'Add an agreement', security: SECURITY, request: { params: IdParam, body: jsonBody(AgreementInput) }, responses: { 201: json(AgreementSchema, 'Created'), ...errors(400, 401, 403, 404, 415) } }),
  updateAgreement: createRoute({ method: 'patch', path: '/partners/{id}/agreements/{agreementId}', tags, summary: 'Change or terminate an agreement', security: SECURITY, request: { params: AgreementParams, body: jsonBody(AgreementPatch) }, responses: { 200: json(AgreementSchema, 'Updated'), ...errors(400, 401, 403, 404, 415) } }),
  preview: createRoute({ method: 'get', path: '/partners/{id}/preview', tags, summary: 'What the partner would receive now, per agreement: counts, sample, and why the rest is excluded', security: SECURITY, request: { params: IdParam }, responses: { 200: json(PreviewSchema, 'Preview'), ...errors(401, 403, 404) } }),
};

/** Partners, their accounts and agreements, and the preview. */
export function sharingRoutes(deps: { partners: PartnersService; agreements: AgreementsService; preview: ReturnType<typeof createPreviewService> }) {
  const { partners, agreements, preview } = deps;
  const router = createRouter();
  router.openapi(routes.list, async (c) => {
    requirePermission(c, 'sharing:read');
    return c.json({ items: (await partners.list()).map(toPartner) }, 200);
  });
  router.openapi(routes.create, async (c) => {
    requirePermission(c, 'sharing:write');
    return c.json(toPartner(await partners.create(c.req.valid('json'), actorOf(c))), 201);
  });
  router.openapi(routes.get, async (c) => {
    requirePermission(c, 'sharing:read');
    return c.json(toPartner(await partners.get(c.req.valid('param').id)), 200);
  });
  router.openapi(routes.update, async (c) => {
    requirePermission(c, 'sharing:write');
    return c.json(toPartner(await partners.update(c.req.valid('param').id, c.req.valid('json'), actorOf(c))), 200);
  });
  router.openapi(routes.accounts, async (c) => {
    requirePermission(c, 'sharing:read');
    const rows = await partners.listAccounts(c.req.valid('param').id);
    return c.json({ items: rows.map((r) => ({ id: r.id, email: r.email, name: r.name })) }, 200);
  });
  router.openapi(routes.addAccount, async (c) => {
    requirePermission(c, 'users:manage');
    return c.json(await partners.createAccount(c.req.valid('param').id, c.req.valid('json'), actorOf(c)), 201);
  });
  router.openapi(routes.agreements, async (c) => {
    requirePermission(c, 'sharing:read');
    return c.json({ items: (await agreements.list(c.req.valid('param').id)).map(toAgreementDto) }, 200);
  });
  router.openapi(routes.addAgreement, async (c) => {
    requirePermission(c, 'sharing:write');
    return c.json(toAgreementDto(await agreements.create(c.req.valid('param').id, c.req.valid('json'), actorOf(c))), 201);
  });
  router.openapi(routes.updateAgreement, async (c) => {
    requirePermission(c, 'sharing:write');
    const { id, agreementId } = c.req.valid('param');
    return c.json(toAgreementDto(await agreements.update(id, agreementId, c.req.valid('json'), actorOf(c))), 200);
  });
  router.openapi(routes.preview, async (c) => {
    requirePermission(c, 'sharing:read');
    return c.json(await preview.preview(c.req.valid('param').id), 200);
  });
  return router;
}
