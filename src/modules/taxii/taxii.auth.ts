import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../platform/errors.ts';
import { clientIp } from '../../platform/http/client-ip.ts';
import type { AppEnv, Principal } from '../../platform/http/context.ts';
import type { AuthService } from '../auth/index.ts';

/** The partner a TAXII caller acts for (null: a signed-in account of no partner). */
export type TaxiiEnv = { Variables: AppEnv['Variables'] & { partnerId: string | null } };

const API_KEY = /^vgl_/;

function decodeBasic(value: string): { user: string; secret: string } {
  const text = Buffer.from(value, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 1) throw new AppError('auth.invalid_credentials', 'HTTP Basic credentials are malformed', 401);
  return { user: text.slice(0, colon), secret: text.slice(colon + 1) };
}

async function resolve(auth: AuthService, c: Context, header: string): Promise<Principal> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return auth.resolveApiKey(bearer[1] as string);
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!basic) throw new AppError('auth.unauthenticated', 'Use HTTP Basic (user and password or API key) or "Bearer <API key>"', 401);
  const { user, secret } = decodeBasic(basic[1] as string);
  if (API_KEY.test(secret)) {
    const principal = await auth.resolveApiKey(secret);
    // The user name must be the key owner's, so a leaked key alone is not enough to guess the pair.
    if (principal.email.toLowerCase() !== user.trim().toLowerCase()) throw new AppError('auth.invalid_credentials', 'User name and API key do not match', 401);
    return principal;
  }
  return auth.checkPassword(user, secret, clientIp(c));
}

/**
 * TAXII authentication: `Authorization: Basic` (e-mail + password, or e-mail + API key as the
 * password) or `Bearer <API key>`. The account needs `taxii:read` (role partner); its partner is
 * looked up once per request. No cookies, so no CSRF surface.
 */
export function taxiiAuth(deps: { auth: AuthService; partnerOf: (userId: string) => Promise<string | null> }): MiddlewareHandler<TaxiiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) throw new AppError('auth.unauthenticated', 'TAXII needs HTTP Basic or a bearer API key', 401);
    const principal = await resolve(deps.auth, c, header);
    if (!principal.permissions.has('taxii:read')) throw new AppError('auth.forbidden', 'This account may not use TAXII', 403);
    c.set('principal', principal);
    c.set('partnerId', principal.role === 'partner' ? await deps.partnerOf(principal.userId) : null);
    await next();
  };
}
