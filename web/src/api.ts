// Typed client for the Vigil HTTP API (/api/v1). The session lives in an HttpOnly cookie;
// every non-GET request carries the CSRF token obtained from login or /auth/me.
import type { Session, Sector, Organization, AssetType, Contact, OrganizationDetail, AddAssetResult, Page, NewOrganization, NewContact, RowError, ImportSummary, ImportResult, ImportFormat, LookupResult, AuditEntry } from './api-types';
export * from './api-types';

/** An error answered by the API (`{ error: { code, message, details, requestId } }`) or a network failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly requestId: string | null;
  readonly retryAfter: number | null;

  constructor(
    status: number,
    code: string,
    message: string,
    details: unknown = null,
    requestId: string | null = null,
    retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }
}

export const API_BASE = '/api/v1';

let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any request (other than sign-in and the session probe) answers 401. */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

type Query = Record<string, string | number | boolean | null | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  /** Do not trigger the global "go to sign-in" on 401 (used by login and the session probe). */
  quiet401?: boolean;
  signal?: AbortSignal;
}

function numberOrNull(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

async function toApiError(res: Response): Promise<ApiError> {
  let payload: unknown = null;
  try {
    payload = await res.json();
  } catch {
    // not JSON (proxy error page, empty body...)
  }
  const err =
    payload && typeof payload === 'object' && 'error' in payload
      ? (payload as { error: Partial<{ code: string; message: string; details: unknown; requestId: string }> }).error
      : null;
  const details = err?.details ?? null;
  let retryAfter = numberOrNull(res.headers.get('Retry-After'));
  if (details && typeof details === 'object') {
    const d = details as Record<string, unknown>;
    retryAfter = numberOrNull(d.retryAfterSeconds) ?? numberOrNull(d.retryAfter) ?? numberOrNull(d['retry-after']) ?? retryAfter;
  }
  return new ApiError(
    res.status,
    err?.code ?? `http.${res.status}`,
    err?.message ?? `Request failed (${res.status} ${res.statusText || 'error'})`,
    details,
    err?.requestId ?? res.headers.get('X-Request-Id'),
    retryAfter,
  );
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined = opts.body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.contentType) {
    headers['Content-Type'] = opts.contentType;
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  try {
    return await fetch(API_BASE + withQuery(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network.unreachable', 'Cannot reach the Vigil server. Check your connection and try again.');
  }
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  let res = await send(path, opts);
  // A stale CSRF token (e.g. the session was renewed in another tab): refresh it once and retry.
  if (res.status === 403 && (opts.method ?? 'GET') !== 'GET' && !opts.quiet401) {
    const err = await toApiError(res.clone());
    if (err.code === 'auth.csrf_failed') {
      const me = await send('/auth/me', { quiet401: true });
      if (me.ok) {
        const session = (await me.json()) as Session;
        setCsrfToken(session.csrfToken);
        res = await send(path, opts);
      }
    }
  }
  if (!res.ok) {
    const err = await toApiError(res);
    if (res.status === 401 && !opts.quiet401) unauthorizedHandler?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

let sectorsPromise: Promise<Sector[]> | null = null;

export const api = {
  login(email: string, password: string): Promise<Session> {
    return request<Session>('/auth/login', { method: 'POST', json: { email, password }, quiet401: true });
  },
  /** First administrator, with the one-time token the server prints at first start (`/setup#token=...`). */
  bootstrap(input: { token: string; email: string; name: string; password: string }): Promise<Session> {
    return request<Session>('/auth/bootstrap', { method: 'POST', json: input, quiet401: true });
  },
  logout(): Promise<void> {
    return request<void>('/auth/logout', { method: 'POST', quiet401: true });
  },
  me(): Promise<Session> {
    return request<Session>('/auth/me', { quiet401: true });
  },

  /** Sectors rarely change: fetched once per page load. */
  sectors(): Promise<Sector[]> {
    sectorsPromise ??= request<{ items: Sector[] }>('/sectors').then(
      (r) => r.items,
      (e: unknown) => {
        sectorsPromise = null;
        throw e;
      },
    );
    return sectorsPromise;
  },

  organizations(
    params: { q?: string; sector?: string; isCii?: boolean; limit?: number; cursor?: string },
    signal?: AbortSignal,
  ): Promise<Page<Organization>> {
    return request<Page<Organization>>('/organizations', { query: params, signal });
  },
  organization(id: string, signal?: AbortSignal): Promise<OrganizationDetail> {
    return request<OrganizationDetail>(`/organizations/${encodeURIComponent(id)}`, { signal });
  },
  createOrganization(input: NewOrganization): Promise<Organization> {
    return request<Organization>('/organizations', { method: 'POST', json: input });
  },
  addAsset(orgId: string, input: { type: AssetType; value: string }): Promise<AddAssetResult> {
    return request<AddAssetResult>(`/organizations/${encodeURIComponent(orgId)}/assets`, { method: 'POST', json: input });
  },
  deleteAsset(orgId: string, assetId: string): Promise<void> {
    return request<void>(`/organizations/${encodeURIComponent(orgId)}/assets/${encodeURIComponent(assetId)}`, {
      method: 'DELETE',
    });
  },
  addContact(orgId: string, input: NewContact): Promise<Contact> {
    return request<Contact>(`/organizations/${encodeURIComponent(orgId)}/contacts`, { method: 'POST', json: input });
  },
  deleteContact(orgId: string, contactId: string): Promise<void> {
    return request<void>(`/organizations/${encodeURIComponent(orgId)}/contacts/${encodeURIComponent(contactId)}`, {
      method: 'DELETE',
    });
  },

  importConstituency(body: Blob | string, format: ImportFormat, opts: { partial: boolean; dryRun: boolean }): Promise<ImportResult> {
    return request<ImportResult>('/imports/constituency', {
      method: 'POST',
      query: { partial: opts.partial, dryRun: opts.dryRun },
      body,
      contentType: format === 'csv' ? 'text/csv' : 'application/json',
    });
  },
  exportUrl(format: ImportFormat): string {
    return `${API_BASE}/exports/constituency?format=${format}`;
  },

  lookup(q: string, signal?: AbortSignal): Promise<LookupResult> {
    return request<LookupResult>('/lookup', { query: { q }, signal });
  },

  audit(params: { limit?: number; cursor?: string }, signal?: AbortSignal): Promise<Page<AuditEntry>> {
    return request<Page<AuditEntry>>('/audit', { query: params, signal });
  },
};

/** Field-level messages from a `validation.failed` error (details.issues[{ path, message }]). */
export function validationIssues(err: unknown): { path: string; message: string }[] {
  if (!(err instanceof ApiError) || !err.details || typeof err.details !== 'object') return [];
  const issues = (err.details as { issues?: unknown }).issues;
  if (!Array.isArray(issues)) return [];
  return issues.map((i: unknown) => {
    const issue = (i ?? {}) as { path?: unknown; message?: unknown };
    const path = Array.isArray(issue.path) ? issue.path.join('.') : String(issue.path ?? '');
    return { path, message: String(issue.message ?? '') };
  });
}

/** The row errors carried by a 422 `import.rejected`. */
export function importRejection(err: unknown): { errors: RowError[]; summary: ImportSummary | null } | null {
  if (!(err instanceof ApiError) || err.code !== 'import.rejected') return null;
  const d = (err.details ?? {}) as { errors?: unknown; summary?: unknown };
  return {
    errors: Array.isArray(d.errors) ? (d.errors as RowError[]) : [],
    summary: d.summary && typeof d.summary === 'object' ? (d.summary as ImportSummary) : null,
  };
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}
