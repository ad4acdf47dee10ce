import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, errors, IdParam, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import { toAsset, toContact, toOrganization } from './constituency.mappers.ts';
import {
  AssetInput,
  ContactInput,
  ContactPatch,
  ContactSchema,
  CreatedAsset,
  OrganizationDetail,
  OrganizationInput,
  OrganizationList,
  OrganizationPatch,
  OrganizationQuery,
  OrganizationSchema,
} from './constituency.schemas.ts';
import type { OrganizationsService } from './organizations.service.ts';
import { scopeOf } from './scope.ts';

const tags = ['organizations'];
const AssetParams = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }), assetId: z.uuid().openapi({ param: { name: 'assetId', in: 'path' } }) });
const ContactParams = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }), contactId: z.uuid().openapi({ param: { name: 'contactId', in: 'path' } }) });

const routes = {
  list: createRoute({ method: 'get', path: '/organizations', tags, summary: 'List organizations (search, filter by sector and CII, keyset pages)', security: SECURITY, request: { query: OrganizationQuery }, responses: { 200: json(OrganizationList, 'A page of organizations'), ...errors(400, 401, 403) } }),
  create: createRoute({ method: 'post', path: '/organizations', tags, summary: 'Register an organization', security: SECURITY, request: { body: jsonBody(OrganizationInput) }, responses: { 201: json(OrganizationSchema, 'Created'), ...errors(400, 401, 403, 409, 415) } }),
  get: createRoute({ method: 'get', path: '/organizations/{id}', tags, summary: 'An organization with its assets and contacts', security: SECURITY, request: { params: IdParam }, responses: { 200: json(OrganizationDetail, 'The organization'), ...errors(401, 403, 404) } }),
  update: createRoute({ method: 'patch', path: '/organizations/{id}', tags, summary: 'Change an organization', security: SECURITY, request: { params: IdParam, body: jsonBody(OrganizationPatch) }, responses: { 200: json(OrganizationSchema, 'Updated'), ...errors(400, 401, 403, 404, 409, 415) } }),
  remove: createRoute({ method: 'delete', path: '/organizations/{id}', tags, summary: 'Delete an organization with its assets and contacts', security: SECURITY, request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404, 409) } }),
  addAsset: createRoute({ method: 'post', path: '/organizations/{id}/assets', tags, summary: 'Add a network asset (CIDR, ASN, domain, e-mail domain); overlaps with other assets are reported', security: SECURITY, request: { params: IdParam, body: jsonBody(AssetInput) }, responses: { 201: json(CreatedAsset, 'Added'), ...errors(400, 401, 403, 404, 409, 415) } }),
  removeAsset: createRoute({ method: 'delete', path: '/organizations/{id}/assets/{assetId}', tags, summary: 'Remove a network asset', security: SECURITY, request: { params: AssetParams }, responses: { 204: { description: 'Removed' }, ...errors(401, 403, 404) } }),
  addContact: createRoute({ method: 'post', path: '/organizations/{id}/contacts', tags, summary: 'Add a contact', security: SECURITY, request: { params: IdParam, body: jsonBody(ContactInput) }, responses: { 201: json(ContactSchema, 'Added'), ...errors(400, 401, 403, 404, 415) } }),
  updateContact: createRoute({ method: 'patch', path: '/organizations/{id}/contacts/{contactId}', tags, summary: 'Change a contact', security: SECURITY, request: { params: ContactParams, body: jsonBody(ContactPatch) }, responses: { 200: json(ContactSchema, 'Updated'), ...errors(400, 401, 403, 404, 415) } }),
  removeContact: createRoute({ method: 'delete', path: '/organizations/{id}/contacts/{contactId}', tags, summary: 'Remove a contact', security: SECURITY, request: { params: ContactParams }, responses: { 204: { description: 'Removed' }, ...errors(401, 403, 404) } }),
};

export function organizationsRoutes(deps: { organizations: OrganizationsService }) {
  const { organizations } = deps;
  const router = createRouter();

  router.openapi(routes.list, async (c) => {
    const p = requirePermission(c, 'constituency:read');
    const { q, sector, isCii, limit, cursor } = c.req.valid('query');
    const page = await organizations.list(scopeOf(p), { q, sector, isCii: isCii === undefined ? undefined : isCii === 'true' }, limit, cursor);
    return c.json({ items: page.rows.map(toOrganization), nextCursor: page.nextCursor }, 200);
  });
  router.openapi(routes.create, async (c) => {
    requirePermission(c, 'constituency:write');
    const row = await organizations.create(c.req.valid('json'), actorOf(c));
    return c.json(toOrganization({ ...row, asset_count: 0, contact_count: 0 }), 201);
  });
  router.openapi(routes.get, async (c) => {
    const p = requirePermission(c, 'constituency:read');
    const { org, assets, contacts } = await organizations.get(scopeOf(p), c.req.valid('param').id);
    return c.json({ ...toOrganization(org), assets: assets.map(toAsset), contacts: contacts.map(toContact) }, 200);
  });
  router.openapi(routes.update, async (c) => {
    const p = requirePermission(c, 'constituency:write');
    const { id } = c.req.valid('param');
    await organizations.get(scopeOf(p), id);
    await organizations.update(id, c.req.valid('json'), actorOf(c));
    return c.json(toOrganization((await organizations.get(scopeOf(p), id)).org), 200);
  });
  router.openapi(routes.remove, async (c) => {
    const p = requirePermission(c, 'constituency:write');
    const { id } = c.req.valid('param');
    await organizations.get(scopeOf(p), id);
    await organizations.remove(id, actorOf(c));
    return c.body(null, 204);
  });
  router.openapi(routes.addAsset, async (c) => {
    const p = requirePermission(c, 'constituency:write');
    const { id } = c.req.valid('param');
    await organizations.get(scopeOf(p), id);
    const { asset, overlaps } = await organizations.addAsset(id, c.req.valid('json'), actorOf(c));
    return c.json({ asset: toAsset(asset), overlaps }, 201);
  });
  router.openapi(routes.removeAsset, async (c) => {
    const p = requirePermission(c, 'constituency:write');
    const { id, assetId } = c.req.valid('param');
    await organizations.get(scopeOf(p), id);
    await organizations.removeAsset(id, assetId, actorOf(c));
    return c.body(null, 204);
  });
  router.openapi(routes.addContact, async (c) => {
    const p = requirePermission(c, 'constituency:write');
    const { id } = c.req.valid('param');
    await organizations.get(scopeOf(p), id);
    return c.json(toContact(await organizations.addContact(id, c.req.valid('json'), actorOf(c))), 201);
  });
  router.openapi(routes.updateContact, async (c) => {
    const p = requirePermission(c, 'constituency:write');
    const { id, contactId } = c.req.valid('param');
    await organizations.get(scopeOf(p), id);
    return c.json(toContact(await organizations.updateContact(id, contactId, c.req.valid('json'), actorOf(c))), 200);
  });
  router.openapi(routes.removeContact, async (c) => {
    const p = requirePermission(c, 'constituency:write');
    const { id, contactId } = c.req.valid('param');
    await organizations.get(scopeOf(p), id);
    await organizations.removeContact(id, contactId, actorOf(c));
    return c.body(null, 204);
  });
  return router;
}
