// Sharing with partner CERTs in the console: partners, their accounts and agreements, the preview, the ledger
// and the TAXII client's connections to the partners' collections.
import { API_BASE, request } from './api';
import type { Tlp } from './api-intel';
import type { CreatedApiKey } from './api-types';

export type PartnerKind = 'national_cert' | 'sector_cert' | 'international_body' | 'isac' | 'vendor' | 'other';
export type PartnerStatus = 'active' | 'suspended';

export interface PartnerContact {
  name: string;
  role?: string;
  email: string;
  phone?: string;
  pgpFingerprint?: string;
}

export interface Partner {
  id: string;
  name: string;
  country: string;
  kind: PartnerKind;
  contacts: PartnerContact[];
  status: PartnerStatus;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export type PartnerInput = Omit<Partner, 'id' | 'createdAt' | 'updatedAt'>;

export type Direction = 'outbound' | 'inbound' | 'both';

/** Every policy dimension of an agreement (null lists mean "any"). */
export interface AgreementFields {
  title: string;
  purpose: string;
  direction: Direction;
  tlpLevels: Tlp[];
  rsitClasses: string[] | null;
  objectTypes: string[] | null;
  sectors: string[] | null;
  community: boolean;
  constituentIdentities: 'keep' | 'remove';
  constituentAddresses: 'keep' | 'generalize' | 'remove';
  validFrom: string;
  validUntil: string | null;
}

export interface Agreement extends AgreementFields {
  id: string;
  partnerId: string;
  collectionId: string;
  status: 'active' | 'terminated';
  createdAt: string;
  updatedAt: string;
}

export interface PartnerAccount {
  id: string;
  email: string;
  name: string;
}

export interface AgreementPreview {
  agreementId: string;
  collectionId: string;
  title: string;
  standing: string;
  allowed: number;
  sanitized: number;
  byType: Record<string, number>;
  byTlp: Record<string, number>;
  excluded: { reason: string; count: number; types: Record<string, number> }[];
  sample: Record<string, unknown>[];
}

export interface SharingPreview {
  partnerId: string;
  at: string;
  scanned: number;
  truncated: boolean;
  agreements: AgreementPreview[];
}

/** One object sent: a line of the ledger row (`seq`) of its delivery, at `position` in it. */
export interface LedgerEntry {
  seq: number;
  position: number;
  at: string;
  partnerId: string;
  agreementId: string;
  collectionId: string;
  objectId: string;
  objectModified: string;
  sha256: string;
  route: string;
  requestId: string | null;
  hash: string;
}

export interface LedgerReport {
  summary: { partnerId: string; sent: number; distinctObjects: number; firstAt: string; lastAt: string }[];
  items: LedgerEntry[];
  nextCursor: string | null;
}

export interface LedgerVerify {
  ok: boolean;
  /** rows (deliveries) verified */
  count: number;
  /** objects those rows list */
  objects: number;
  brokenAt?: number;
  reason?: string;
}

export interface LedgerFilter {
  partner?: string;
  from?: string;
  to?: string;
}

export type TaxiiDirection = 'poll' | 'push';

/** How Vigil authenticates to a partner's TAXII server; the password or token is write-only. */
export type TaxiiAuthInput = { type: 'none' } | { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string };

export interface TaxiiConnectionFields {
  title: string;
  agreementId: string;
  discoveryUrl: string | null;
  apiRootUrl: string | null;
  collectionId: string;
  intervalSeconds: number;
  pageSize: number;
  enabled: boolean;
}

export interface TaxiiConnectionInput extends TaxiiConnectionFields {
  direction: TaxiiDirection;
  auth: TaxiiAuthInput;
}

export type TaxiiConnectionPatch = Partial<TaxiiConnectionFields> & { auth?: TaxiiAuthInput; pollAddedAfter?: string | null };

/** A TAXII client connection as the server shows it: never the secret, only whether one is stored. */
export interface TaxiiConnection extends TaxiiConnectionFields {
  id: string;
  partnerId: string;
  direction: TaxiiDirection;
  auth: { type: 'none' | 'basic' | 'bearer'; username: string | null; hasSecret: boolean };
  nextRunAt: string;
  checkpoint: { pollAddedAfter: string | null; pushAfterSeq: number };
  lastRun: { at: string | null; outcome: string | null; error: string | null; count: number | null };
  createdAt: string;
  updatedAt: string;
}

export interface TaxiiRunResult {
  outcome: 'ok' | 'skipped' | 'failed';
  reason: string | null;
  error: { code: string; message: string } | null;
  poll: { pages: number; received: number; accepted: number; duplicates: number; rejected: number; refused: number; checkpoint: string | null } | null;
  push: { pages: number; examined: number; pushed: number; envelopes: number; pending: number; checkpoint: number } | null;
}

export interface TaxiiPush {
  id: string;
  statusId: string | null;
  status: 'sending' | 'pending' | 'complete' | 'failed';
  totalCount: number;
  successCount: number;
  failureCount: number;
  pendingCount: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

const partner = (id: string) => `/partners/${encodeURIComponent(id)}`;
const connection = (id: string, connectionId: string) => `${partner(id)}/taxii-connections/${encodeURIComponent(connectionId)}`;

export const sharingApi = {
  partners(signal?: AbortSignal): Promise<Partner[]> {
    return request<{ items: Partner[] }>('/partners', { signal }).then((r) => r.items);
  },
  partner(id: string, signal?: AbortSignal): Promise<Partner> {
    return request<Partner>(partner(id), { signal });
  },
  createPartner(input: PartnerInput): Promise<Partner> {
    return request<Partner>('/partners', { method: 'POST', json: input });
  },
  updatePartner(id: string, patch: Partial<PartnerInput>): Promise<Partner> {
    return request<Partner>(partner(id), { method: 'PATCH', json: patch });
  },
  accounts(id: string, signal?: AbortSignal): Promise<PartnerAccount[]> {
    return request<{ items: PartnerAccount[] }>(`${partner(id)}/accounts`, { signal }).then((r) => r.items);
  },
  createAccount(id: string, input: { email: string; name: string; password?: string }): Promise<PartnerAccount> {
    return request<PartnerAccount>(`${partner(id)}/accounts`, { method: 'POST', json: input });
  },
  /** A TAXII API key for a partner account (administrators only); the secret is in this answer only. */
  createPartnerKey(userId: string, name: string, scopes: ('taxii:read' | 'taxii:write')[]): Promise<CreatedApiKey> {
    return request<CreatedApiKey>('/api-keys', { method: 'POST', json: { name, userId, scopes } });
  },
  agreements(id: string, signal?: AbortSignal): Promise<Agreement[]> {
    return request<{ items: Agreement[] }>(`${partner(id)}/agreements`, { signal }).then((r) => r.items);
  },
  createAgreement(id: string, input: AgreementFields): Promise<Agreement> {
    return request<Agreement>(`${partner(id)}/agreements`, { method: 'POST', json: input });
  },
  updateAgreement(id: string, agreementId: string, patch: Partial<AgreementFields> & { status?: 'active' | 'terminated' }): Promise<Agreement> {
    return request<Agreement>(`${partner(id)}/agreements/${encodeURIComponent(agreementId)}`, { method: 'PATCH', json: patch });
  },
  preview(id: string, signal?: AbortSignal): Promise<SharingPreview> {
    return request<SharingPreview>(`${partner(id)}/preview`, { signal });
  },
  ledger(filter: LedgerFilter & { limit?: number; cursor?: string }, signal?: AbortSignal): Promise<LedgerReport> {
    return request<LedgerReport>('/ledger', { query: { ...filter }, signal });
  },
  ledgerCsvUrl(filter: LedgerFilter): string {
    const qs = new URLSearchParams({ format: 'csv', limit: '10000' });
    for (const [k, v] of Object.entries(filter)) if (v) qs.set(k, v);
    return `${API_BASE}/ledger?${qs.toString()}`;
  },
  verifyLedger(): Promise<LedgerVerify> {
    return request<LedgerVerify>('/ledger/verify');
  },
  taxiiConnections(id: string, signal?: AbortSignal): Promise<TaxiiConnection[]> {
    return request<{ items: TaxiiConnection[] }>(`${partner(id)}/taxii-connections`, { signal }).then((r) => r.items);
  },
  createTaxiiConnection(id: string, input: TaxiiConnectionInput): Promise<TaxiiConnection> {
    return request<TaxiiConnection>(`${partner(id)}/taxii-connections`, { method: 'POST', json: input });
  },
  /** Changes a connection; `auth` (when given) replaces the stored secret. */
  updateTaxiiConnection(id: string, connectionId: string, patch: TaxiiConnectionPatch): Promise<TaxiiConnection> {
    return request<TaxiiConnection>(connection(id, connectionId), { method: 'PATCH', json: patch });
  },
  runTaxiiConnection(id: string, connectionId: string): Promise<TaxiiRunResult> {
    return request<TaxiiRunResult>(`${connection(id, connectionId)}/run`, { method: 'POST' });
  },
  taxiiPushes(id: string, connectionId: string, signal?: AbortSignal): Promise<TaxiiPush[]> {
    return request<{ items: TaxiiPush[] }>(`${connection(id, connectionId)}/pushes`, { signal }).then((r) => r.items);
  },
};
