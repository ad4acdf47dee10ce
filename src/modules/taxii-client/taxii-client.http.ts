import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { AppError } from '../../platform/errors.ts';
import { bareHost, forbiddenReason, guardedLookup, type SsrfPolicy } from '../pipeline/index.ts';

export const TAXII_MEDIA = 'application/taxii+json;version=2.1';

export type HttpOptions = {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | undefined;
  policy: SsrfPolicy;
  timeoutMs: number;
  maxBytes: number;
};
export type HttpAnswer = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** 400 `taxii_client.url_forbidden` unless the URL is http(s) to a public address (or private ones are allowed). */
export function checkUrl(href: string, policy: SsrfPolicy): URL {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new AppError('taxii_client.url_invalid', `${href.slice(0, 200)} is not a URL`, 400);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppError('taxii_client.url_forbidden', `Only http and https URLs, not ${url.protocol}`, 400, { url: url.href });
  if (url.username || url.password) throw new AppError('taxii_client.url_forbidden', 'Put credentials in the connection, not in the URL', 400);
  const host = bareHost(url.hostname);
  const reason = !policy.allowPrivate && net.isIP(host) ? forbiddenReason(host) : null;
  if (reason) throw new AppError('taxii_client.url_forbidden', `${host} is a ${reason} address; partners may only be reached at public addresses`, 400, { address: host, reason });
  return url;
}

function normalize(err: unknown, url: URL): AppError {
  if (err instanceof AppError) return err.code === 'feed.url_forbidden' ? new AppError('taxii_client.url_forbidden', err.message, 400, err.details) : err;
  const code = (err as NodeJS.ErrnoException).code;
  return new AppError('taxii_client.network', `${url.origin}: ${code ?? (err as Error).message}`, 502, { url: url.origin });
}

/**
 * One HTTP exchange with a partner server behind the SSRF guard (literal addresses checked here,
 * names checked by the guarded lookup on the address actually connected to). Redirects are not
 * followed (credentials must not travel to another place); the body is capped at `maxBytes`; the
 * whole exchange at `timeoutMs`. Never logs headers (they carry credentials).
 */
export function exchange(href: string, opts: HttpOptions): Promise<HttpAnswer> {
  const url = checkUrl(href, opts.policy);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { method: opts.method, headers: { 'user-agent': 'Vigil TAXII client', ...opts.headers }, lookup: guardedLookup(opts.policy) as never }, (res) => {
      const parts: Buffer[] = [];
      let n = 0;
      res.on('data', (chunk: Buffer) => {
        n += chunk.length;
        if (n > opts.maxBytes) req.destroy(new AppError('taxii_client.too_large', `${url.origin} sent more than ${opts.maxBytes} bytes`, 502));
        else parts.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', (err) => reject(normalize(err, url)));
    });
    req.setTimeout(opts.timeoutMs, () => req.destroy(new AppError('taxii_client.timeout', `${url.origin}: no answer within ${opts.timeoutMs} ms`, 504)));
    req.on('error', (err) => reject(normalize(err, url)));
    req.end(opts.body);
  });
}

/** The title and description of a TAXII error body, if it is one. */
function errorDetail(text: string): string {
  try {
    const e = JSON.parse(text) as { title?: unknown; description?: unknown };
    return [e.title, e.description].filter((x) => typeof x === 'string').join(': ');
  } catch {
    return '';
  }
}

/** A TAXII JSON answer, or 502 `taxii_client.http_status` / `taxii_client.invalid_answer` with what the partner said. */
export async function taxiiJson(href: string, opts: HttpOptions): Promise<{ body: Record<string, unknown>; headers: http.IncomingHttpHeaders; status: number }> {
  const res = await exchange(href, { ...opts, headers: { accept: TAXII_MEDIA, ...opts.headers } });
  const text = res.body.toString('utf8');
  if (res.status < 200 || res.status >= 300) {
    const detail = errorDetail(text);
    throw new AppError('taxii_client.http_status', `${new URL(href).pathname} answered ${res.status}${detail ? ` (${detail.slice(0, 300)})` : ''}`, 502, { status: res.status });
  }
  try {
    const body = JSON.parse(text) as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    return { body: body as Record<string, unknown>, headers: res.headers, status: res.status };
  } catch {
    throw new AppError('taxii_client.invalid_answer', `${new URL(href).pathname} did not answer a TAXII JSON object`, 502);
  }
}
