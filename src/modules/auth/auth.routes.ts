import { createRoute } from '@hono/zod-openapi';
import { setCookie, deleteCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { clientIp } from '../../platform/http/client-ip.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { createRouter, errors, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { toUser } from './auth.mappers.ts';
import { requireUser, SESSION_COOKIE } from './auth.middleware.ts';
import { BootstrapRequest, LoginRequest, SessionResponse } from './auth.schemas.ts';
import type { AuthService } from './auth.service.ts';
import type { UsersService } from './users.service.ts';

const login = createRoute({
  method: 'post',
  path: '/auth/login',
  tags: ['auth'],
  summary: 'Sign in with e-mail and password; sets the session cookie',
  request: { body: jsonBody(LoginRequest) },
  responses: { 200: json(SessionResponse, 'Signed in'), ...errors(400, 401, 415, 429) },
});
const logout = createRoute({
  method: 'post',
  path: '/auth/logout',
  tags: ['auth'],
  summary: 'End the session',
  security: SECURITY,
  responses: { 204: { description: 'Signed out' }, ...errors(401, 403) },
});
const me = createRoute({
  method: 'get',
  path: '/auth/me',
  tags: ['auth'],
  summary: 'The signed-in user and the CSRF token to send with changes',
  security: SECURITY,
  responses: { 200: json(SessionResponse, 'The current session'), ...errors(401) },
});
const bootstrap = createRoute({
  method: 'post',
  path: '/auth/bootstrap',
  tags: ['auth'],
  summary: 'Create the first administrator with the one-time token printed at first start',
  request: { body: jsonBody(BootstrapRequest) },
  responses: { 201: json(SessionResponse, 'Administrator created and signed in'), ...errors(400, 401, 409) },
});

export function authRoutes(deps: { auth: AuthService; users: UsersService; secureCookies: boolean; sessionTtlHours: number; clientIp?: (c: Context) => string }) {
  const { auth, users } = deps;
  const router = createRouter();
  const setSession = (c: Context<AppEnv>, token: string) =>
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: deps.secureCookies,
      path: '/',
      maxAge: deps.sessionTtlHours * 3600,
    });

  router.openapi(login, async (c) => {
    const { email, password } = c.req.valid('json');
    const session = await auth.login(email, password, (deps.clientIp ?? clientIp)(c), c.get('requestId'));
    setSession(c, session.token);
    return c.json({ user: toUser(session.user), csrfToken: session.csrfToken }, 200);
  });

  router.openapi(logout, async (c) => {
    const principal = requireUser(c);
    await auth.logout(principal, c.get('requestId'));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  router.openapi(me, async (c) => {
    const principal = requireUser(c);
    const user = await users.get(principal.userId);
    return c.json({ user: toUser(user), csrfToken: principal.csrfToken ?? '' }, 200);
  });

  router.openapi(bootstrap, async (c) => {
    const input = c.req.valid('json');
    const user = await users.bootstrap(input, c.get('requestId'));
    const session = await auth.startSession(user, { userId: user.id, label: user.email, requestId: c.get('requestId') }, 'auth.login');
    setSession(c, session.token);
    return c.json({ user: toUser(session.user), csrfToken: session.csrfToken }, 201);
  });

  return router;
}
