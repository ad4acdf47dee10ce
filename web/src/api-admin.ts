// Administration endpoints: user accounts, API keys and cybersecurity centers (admins only).
import { request } from './api';
import type { ApiKey, Center, CenterDetail, CreatedApiKey, NewApiKey, NewUser, Organization, Page, User } from './api-types';

const id = (s: string) => encodeURIComponent(s);

/** Follows nextCursor until the end (or `maxPages`), for pickers that need the whole list. */
async function everything<T>(load: (cursor: string | undefined) => Promise<Page<T>>, maxPages = 40): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < maxPages; n++) {
    const page = await load(cursor);
    all.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return all;
}

export const adminApi = {
  users(params: { limit?: number; cursor?: string }, signal?: AbortSignal): Promise<Page<User>> {
    return request<Page<User>>('/users', { query: params, signal });
  },
  /** Every account (owner pickers, owner names). */
  allUsers(signal?: AbortSignal): Promise<User[]> {
    return everything((cursor) => adminApi.users({ limit: 500, cursor }, signal));
  },
  createUser(input: NewUser): Promise<User> {
    return request<User>('/users', { method: 'POST', json: input });
  },
  setUserActive(userId: string, isActive: boolean): Promise<User> {
    return request<User>(`/users/${id(userId)}`, { method: 'PATCH', json: { isActive } });
  },

  apiKeys(signal?: AbortSignal): Promise<ApiKey[]> {
    return request<{ items: ApiKey[] }>('/api-keys', { signal }).then((r) => r.items);
  },
  createApiKey(input: NewApiKey): Promise<CreatedApiKey> {
    return request<CreatedApiKey>('/api-keys', { method: 'POST', json: input });
  },
  revokeApiKey(keyId: string): Promise<void> {
    return request<void>(`/api-keys/${id(keyId)}`, { method: 'DELETE' });
  },

  centers(signal?: AbortSignal): Promise<Center[]> {
    return request<{ items: Center[] }>('/centers', { signal }).then((r) => r.items);
  },
  center(centerId: string, signal?: AbortSignal): Promise<CenterDetail> {
    return request<CenterDetail>(`/centers/${id(centerId)}`, { signal });
  },
  createCenter(name: string): Promise<Center> {
    return request<Center>('/centers', { method: 'POST', json: { name } });
  },
  setCenterOrganizations(centerId: string, organizationIds: string[]): Promise<void> {
    return request<void>(`/centers/${id(centerId)}/organizations`, { method: 'PUT', json: { organizationIds } });
  },

  /** The whole constituency by name (the center editor's checklist). */
  allOrganizations(signal?: AbortSignal): Promise<Organization[]> {
    return everything((cursor) => request<Page<Organization>>('/organizations', { query: { limit: 500, cursor }, signal }));
  },
};
