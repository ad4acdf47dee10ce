import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { AppError } from '../../platform/errors.ts';
import type { AppEnv, Principal } from '../../platform/http/context.ts';
import type { Actor } from '../audit/index.ts';
import type { AuthService } from './auth.service.ts';
import type { Permission } from './permissions.ts';
import { safeEqual } from './tokens.ts';

export const SESSION_COOKIE = 'vigil_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Signing in does not act with the session, so a stale cookie must not block it (and JSON bodies
// cannot be sent cross-site without a CORS preflight, which Vigil never grants).
const SESSIONLESS = /\/auth\/(login|bootstrap)$/;

/**
 * Resolves who is calling: `Authorization: Bearer <api key>` for machines, else the session cookie.
 * Unsafe requests that ride on a cookie must echo the session's CSRF token in `X-CSRF-Token`.
 */
export function authMiddleware(auth: AuthService): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('principal', null);
    const header = c.req.header('authorization');
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new AppError('auth.invalid_api_key', 'Use "Authorization: Bearer <API key>"', 401);
      c.set('principal', await auth.resolveApiKey(m[1] as string));
      return next();
    }
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const principal = await auth.resolveSession(token);
      if (!principal) deleteCookie(c, SESSION_COOKIE, { path: '/' });
      else {
        if (!SAFE_METHODS.has(c.req.method) && !SESSIONLESS.test(c.req.path) && !safeEqual(c.req.header('x-csrf-token') ?? '', principal.csrfToken ?? '')) {
          throw new AppError('auth.csrf_failed', 'Missing or wrong X-CSRF-Token header', 403);
        }
        c.set('principal', principal);
      }
    }
    return next();
  };
}

/** The signed-in principal, or 401. */
export function requireUser(c: Context<AppEnv>): Principal {
  const p = c.get('principal');
  if (!p) throw new AppError('auth.unauthenticated', 'Sign in or send an API key', 401);
  return p;
}

/** The principal if it holds `permission`, else 401/403. */
export function requirePermission(c: Context<AppEnv>, permission: Permission): Principal {
  const p = requireUser(c);
  if (!p.permissions.has(permission)) throw new AppError('auth.forbidden', `This needs the ${permission} permission`, 403);
  return p;
}

/** The audit actor for this request. */
export function actorOf(c: Context<AppEnv>): Actor {
  const p = c.get('principal');
  return { userId: p?.userId ?? null, label: p ? `${p.email}${p.via === 'api_key' ? ' (api key)' : ''}` : 'anonymous', requestId: c.get('requestId') };
}
