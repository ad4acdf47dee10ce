import { createRoute } from '@hono/zod-openapi';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.ts';
import { createRouter, errors, IdParam, json, jsonBody, PageQuery, SECURITY } from '../../platform/http/openapi.ts';
import { toApiKey, toUser } from './auth.mappers.ts';
import { actorOf, requirePermission, requireUser } from './auth.middleware.ts';
import { ApiKeyList, CreateApiKeyRequest, CreatedApiKey, CreateUserRequest, UpdateUserRequest, UserList, UserSchema } from './auth.schemas.ts';
import type { ApiKeysService } from './api-keys.service.ts';
import type { UsersService } from './users.service.ts';
import type { Clock } from '../../platform/clock.ts';

const tags = ['users'];
const list = createRoute({ method: 'get', path: '/users', tags, summary: 'List users', security: SECURITY, request: { query: PageQuery }, responses: { 200: json(UserList, 'Users by e-mail'), ...errors(400, 401, 403) } });
const create = createRoute({ method: 'post', path: '/users', tags, summary: 'Create a user or machine account', security: SECURITY, request: { body: jsonBody(CreateUserRequest) }, responses: { 201: json(UserSchema, 'Created'), ...errors(400, 401, 403, 409) } });
const get = createRoute({ method: 'get', path: '/users/{id}', tags, summary: 'Get a user', security: SECURITY, request: { params: IdParam }, responses: { 200: json(UserSchema, 'The user'), ...errors(401, 403, 404) } });
const update = createRoute({ method: 'patch', path: '/users/{id}', tags, summary: 'Change a user (role, affiliation, password, active)', security: SECURITY, request: { params: IdParam, body: jsonBody(UpdateUserRequest) }, responses: { 200: json(UserSchema, 'Updated'), ...errors(400, 401, 403, 404, 409) } });
const listKeys = createRoute({ method: 'get', path: '/api-keys', tags: ['api-keys'], summary: 'List API keys (own; all for admins)', security: SECURITY, responses: { 200: json(ApiKeyList, 'Keys, never their secrets'), ...errors(401) } });
const createKey = createRoute({ method: 'post', path: '/api-keys', tags: ['api-keys'], summary: 'Create an API key; the secret is in this response only', security: SECURITY, request: { body: jsonBody(CreateApiKeyRequest) }, responses: { 201: json(CreatedApiKey, 'Created'), ...errors(400, 401, 403, 404) } });
const revokeKey = createRoute({ method: 'delete', path: '/api-keys/{id}', tags: ['api-keys'], summary: 'Revoke an API key', security: SECURITY, request: { params: IdParam }, responses: { 204: { description: 'Revoked' }, ...errors(401, 404) } });

const isEmailCursor = (v: unknown): v is { e: string } => typeof (v as { e?: unknown })?.e === 'string';

export function usersRoutes(deps: { users: UsersService; apiKeys: ApiKeysService; clock: Clock }) {
  const { users, apiKeys, clock } = deps;
  const router = createRouter();

  router.openapi(list, async (c) => {
    requirePermission(c, 'users:manage');
    const { limit, cursor } = c.req.valid('query');
    const after = decodeCursor(cursor, isEmailCursor);
    const rows = await users.list({ afterEmail: after?.e, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json({ items: page.map(toUser), nextCursor: rows.length > limit && last ? encodeCursor({ e: last.email_key }) : null }, 200);
  });
  router.openapi(create, async (c) => {
    requirePermission(c, 'users:manage');
    return c.json(toUser(await users.create(c.req.valid('json'), actorOf(c))), 201);
  });
  router.openapi(get, async (c) => {
    requirePermission(c, 'users:manage');
    return c.json(toUser(await users.get(c.req.valid('param').id)), 200);
  });
  router.openapi(update, async (c) => {
    requirePermission(c, 'users:manage');
    return c.json(toUser(await users.update(c.req.valid('param').id, c.req.valid('json'), actorOf(c))), 200);
  });
  router.openapi(listKeys, async (c) => {
    const rows = await apiKeys.list(requireUser(c));
    const now = clock.now();
    return c.json({ items: rows.map((r) => toApiKey(r, now)) }, 200);
  });
  router.openapi(createKey, async (c) => {
    const { key, row } = await apiKeys.create(c.req.valid('json'), requireUser(c), actorOf(c));
    return c.json({ key, apiKey: toApiKey(row, clock.now()) }, 201);
  });
  router.openapi(revokeKey, async (c) => {
    await apiKeys.revoke(c.req.valid('param').id, requireUser(c), actorOf(c));
    return c.body(null, 204);
  });
  return router;
}

