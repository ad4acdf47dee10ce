import { AppError } from '../../platform/errors.ts';
import type { SsrfPolicy } from '../pipeline/index.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { taxiiJson, type HttpOptions } from './taxii-client.http.ts';
import type { ConnectionRow } from './taxii-client.tables.ts';

/** Where and how to call a partner's collection. */
export type Target = {
  collectionUrl: string;
  objectsUrl: string;
  statusUrl: (id: string) => string;
  /** Options for every request: method GET, the credentials, the SSRF policy and limits. */
  http: HttpOptions;
};

export type TargetDeps = { box: SecretBox; policy: SsrfPolicy; timeoutMs: number; maxBytes: number };

const slash = (u: string) => (u.endsWith('/') ? u : `${u}/`);

/** The Authorization header of a connection (decrypted here, at the moment of use, never logged). */
export function authHeaders(conn: Pick<ConnectionRow, 'auth_type' | 'username' | 'secret_enc'>, box: SecretBox): Record<string, string> {
  if (conn.auth_type === 'none' || !conn.secret_enc) return {};
  const secret = box.open(conn.secret_enc);
  if (conn.auth_type === 'bearer') return { authorization: `Bearer ${secret}` };
  return { authorization: `Basic ${Buffer.from(`${conn.username ?? ''}:${secret}`).toString('base64')}` };
}

/**
 * The API root of a connection: its configured URL, or the discovery resource's `default` (else
 * its first `api_roots` entry). An API root on another origin than the discovery URL is refused:
 * the credentials are only ever sent where the administrator pointed them.
 */
async function apiRoot(conn: ConnectionRow, http: HttpOptions): Promise<string> {
  if (conn.api_root_url) return slash(conn.api_root_url);
  const discovery = slash(conn.discovery_url!);
  const { body } = await taxiiJson(discovery, http);
  const roots = Array.isArray(body.api_roots) ? body.api_roots.filter((r): r is string => typeof r === 'string') : [];
  const chosen = typeof body.default === 'string' ? body.default : roots[0];
  if (!chosen) throw new AppError('taxii_client.no_api_root', 'The discovery resource names no API root', 502);
  const root = new URL(chosen, discovery);
  if (root.origin !== new URL(discovery).origin) throw new AppError('taxii_client.api_root_elsewhere', `The API root ${root.origin} is not on the discovery server; configure it as the API root URL if it is trusted`, 502);
  return slash(root.href);
}

/** Resolves the collection and checks that the partner lets Vigil read (poll) or write (push) it. */
export async function resolveTarget(conn: ConnectionRow, deps: TargetDeps): Promise<Target> {
  const http: HttpOptions = { method: 'GET', headers: authHeaders(conn, deps.box), policy: deps.policy, timeoutMs: deps.timeoutMs, maxBytes: deps.maxBytes };
  const root = await apiRoot(conn, http);
  const collectionUrl = `${root}collections/${encodeURIComponent(conn.collection_id)}/`;
  const { body } = await taxiiJson(collectionUrl, http);
  const need = conn.direction === 'poll' ? 'can_read' : 'can_write';
  if (body[need] !== true) throw new AppError('taxii_client.collection_refused', `The partner's collection does not allow ${conn.direction === 'poll' ? 'reading' : 'writing'} (${need} is not true)`, 502);
  return { collectionUrl, objectsUrl: `${collectionUrl}objects/`, statusUrl: (id) => `${root}status/${encodeURIComponent(id)}/`, http };
}
