// Shapes of the Vigil HTTP API as the console uses them (the server's OpenAPI document is the reference).

export type Role = 'admin' | 'analyst' | 'center_operator' | 'constituent' | 'partner';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  organizationId: string | null;
  centerId: string | null;
  isActive: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface Sector {
  code: string;
  name: string;
}

export interface Organization {
  id: string;
  name: string;
  sector: string;
  isCii: boolean;
  ciiCategory: string | null;
  country: string;
  assetCount: number;
  contactCount: number;
  createdAt: string;
  updatedAt: string;
}

export type AssetType = 'cidr' | 'asn' | 'domain' | 'email_domain';
export const ASSET_TYPES: readonly AssetType[] = ['cidr', 'asn', 'domain', 'email_domain'];

export interface Asset {
  id: string;
  organizationId: string;
  type: AssetType;
  value: string;
  createdAt: string;
}

export interface Contact {
  id: string;
  organizationId: string;
  name: string;
  role: string;
  email: string;
  phone: string | null;
  is24x7: boolean;
  pgpKey: string | null;
  pgpFingerprint: string | null;
  createdAt: string;
}

export type OrganizationDetail = Organization & { assets: Asset[]; contacts: Contact[] };

export interface Overlap {
  organizationId: string;
  organizationName: string;
  assetId: string;
  value: string;
  relation: 'contains' | 'contained' | 'equal';
}

export interface AddAssetResult {
  asset: Asset;
  overlaps: Overlap[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface NewOrganization {
  name: string;
  sector: string;
  isCii: boolean;
  ciiCategory?: string;
  country: string;
}

export interface NewContact {
  name: string;
  role: string;
  email: string;
  phone?: string;
  is24x7: boolean;
  pgpKey?: string;
}

export interface RowError {
  line: number;
  field: string | null;
  code: string;
  reason: string;
}

export interface ImportSummary {
  rows: number;
  organizationsCreated: number;
  organizationsUpdated: number;
  assetsAdded: number;
  contactsAdded: number;
  failedRows: number;
}

export interface ImportResult {
  applied: boolean;
  dryRun: boolean;
  summary: ImportSummary;
  errors: RowError[];
}

export type ImportFormat = 'csv' | 'json';

export type LookupKind = 'ipv4' | 'ipv6' | 'cidr' | 'asn' | 'domain' | 'url' | 'email';

export interface LookupMatch {
  organization: { id: string; name: string; sector: string; isCii: boolean };
  asset: { id: string; type: AssetType; value: string };
  matchType: 'prefix' | 'asn' | 'domain' | 'email_domain';
  specificity: number;
}

export interface LookupResult {
  query: string;
  kind: LookupKind;
  normalized: string;
  isOverlapping: boolean;
  matches: LookupMatch[];
}

export interface AuditEntry {
  seq: number | string;
  at: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

export const ROLES: readonly Role[] = ['admin', 'analyst', 'center_operator', 'constituent', 'partner'];

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  organizationId?: string;
  centerId?: string;
  password?: string;
}

/** API key scopes: the server's permission names (src/modules/auth/permissions.ts PERMISSIONS; a unit test keeps them equal). */
export type Scope =
  | 'constituency:read'
  | 'constituency:write'
  | 'constituency:import'
  | 'lookup'
  | 'centers:read'
  | 'centers:write'
  | 'users:manage'
  | 'audit:read'
  | 'incidents:read'
  | 'incidents:write'
  | 'incidents:notify'
  | 'reports:read'
  | 'reports:write'
  | 'alerts:read'
  | 'alerts:write'
  | 'feeds:read'
  | 'feeds:write'
  | 'feeds:push'
  | 'sharing:read'
  | 'sharing:write'
  | 'taxii:read'
  | 'taxii:write'
  | 'events:read'
  | 'events:own'
  | 'metrics:read';
export const SCOPES: readonly Scope[] = [
  'constituency:read',
  'constituency:write',
  'constituency:import',
  'lookup',
  'centers:read',
  'centers:write',
  'users:manage',
  'audit:read',
  'incidents:read',
  'incidents:write',
  'incidents:notify',
  'reports:read',
  'reports:write',
  'alerts:read',
  'alerts:write',
  'feeds:read',
  'feeds:write',
  'feeds:push',
  'sharing:read',
  'sharing:write',
  'taxii:read',
  'taxii:write',
  'events:read',
  'events:own',
  'metrics:read',
];

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  scopes: Scope[];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  status: 'active' | 'expired' | 'revoked';
}

export interface NewApiKey {
  name: string;
  userId?: string;
  scopes: Scope[];
  /** ISO datetime; null never expires; omitted: the server's default (90 days). */
  expiresAt?: string | null;
}

export interface CreatedApiKey {
  /** The secret: in this response only. */
  key: string;
  apiKey: ApiKey;
}

export interface Center {
  id: string;
  name: string;
  organizationCount?: number;
  createdAt: string;
}

export type CenterDetail = Center & { organizationIds: string[] };
