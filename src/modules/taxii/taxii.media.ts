import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppError } from '../../platform/errors.ts';

export const TAXII_MEDIA = 'application/taxii+json;version=2.1';
export const STIX_MEDIA = 'application/stix+json;version=2.1';

type Media = { type: string; version: string | null; q: number };

function parseMedia(part: string): Media {
  const [type = '', ...params] = part.split(';').map((s) => s.trim());
  let version: string | null = null;
  let q = 1;
  for (const p of params) {
    const [k = '', v = ''] = p.split('=').map((s) => s.trim().toLowerCase());
    if (k === 'version') version = v;
    if (k === 'q') q = Number(v);
  }
  return { type: type.toLowerCase(), version, q: Number.isFinite(q) ? q : 0 };
}

/**
 * Whether an Accept header admits a TAXII 2.1 response of `kind` (`taxii`, or `stix` for object
 * content, which also takes the TAXII type): no header, wildcards, or the type without a version or
 * with version 2.1. Anything else is 406.
 */
export function acceptable(accept: string | undefined, kind: 'taxii' | 'stix'): boolean {
  if (!accept || !accept.trim()) return true;
  const wanted = kind === 'stix' ? ['application/taxii+json', 'application/stix+json'] : ['application/taxii+json'];
  return accept.split(',').map(parseMedia).some((m) => m.q > 0 && (m.type === '*/*' || m.type === 'application/*' || (wanted.includes(m.type) && (m.version === null || m.version === '2.1'))));
}

/** The response type for a request that accepted `kind`: the STIX type only when asked for by name. */
export function responseType(accept: string | undefined, kind: 'taxii' | 'stix'): string {
  if (kind === 'stix' && accept && /application\/stix\+json/i.test(accept) && !/application\/taxii\+json/i.test(accept)) return STIX_MEDIA;
  return TAXII_MEDIA;
}

/** Whether a request body's Content-Type is the TAXII 2.1 (or STIX 2.1) type. */
export function isTaxiiContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const m = parseMedia(contentType);
  return (m.type === 'application/taxii+json' || m.type === 'application/stix+json') && (m.version === null || m.version === '2.1');
}

/** A TAXII 2.1 error message body (title, description, error_id, error_code, http_status, details). */
export function taxiiErrorBody(err: AppError, requestId: string) {
  return {
    title: TITLES[err.status] ?? 'Error',
    description: err.message,
    error_id: requestId,
    error_code: err.code,
    http_status: String(err.status),
    ...(err.details !== undefined ? { details: err.details as Record<string, unknown> } : {}),
  };
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  406: 'Not Acceptable',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** Sends a TAXII error with the TAXII media type. */
export function taxiiError(c: Context, err: AppError, requestId: string): Response {
  if (err.status === 401) c.header('WWW-Authenticate', 'Basic realm="TAXII", Bearer realm="TAXII"');
  c.header('Content-Type', TAXII_MEDIA);
  return c.body(JSON.stringify(taxiiErrorBody(err, requestId)), err.status as ContentfulStatusCode);
}

/** Sends a TAXII resource with the TAXII media type (or `type`). */
export function taxiiJson(c: Context, body: unknown, status: ContentfulStatusCode = 200, type = TAXII_MEDIA): Response {
  c.header('Content-Type', type);
  return c.body(JSON.stringify(body), status);
}
