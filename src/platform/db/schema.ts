import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

// Table types for Kysely. Columns are snake_case as in SQL; see migrations/ for the source of truth.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;

export type SettingsTable = { key: string; value: Json; updated_at: Generated<Timestamp> };

export type AuditLogTable = {
  seq: number;
  at: Timestamp;
  actor_id: string | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: Json | null;
  after: Json | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
};

export type AuditHeadTable = { id: Generated<boolean>; seq: number; hash: string };

export type SectorsTable = { code: string; name: string; created_at: Generated<Timestamp> };

export type OrganizationsTable = {
  id: string;
  name: string;
  name_key: string;
  sector: string;
  is_cii: boolean;
  cii_category: string | null;
  country: string;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type AssetType = 'cidr' | 'asn' | 'domain' | 'email_domain';

export type NetworkAssetsTable = {
  id: string;
  organization_id: string;
  type: AssetType;
  value: string;
  created_at: Timestamp;
};

export type ContactsTable = {
  id: string;
  organization_id: string;
  name: string;
  role: string;
  email: string;
  phone: string | null;
  is_24x7: boolean;
  pgp_key: string | null;
  pgp_fingerprint: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type AssetChangesTable = {
  seq: Generated<number>;
  op: 'add' | 'remove';
  asset_id: string;
  organization_id: string;
  type: AssetType;
  value: string;
  at: Generated<Timestamp>;
};

export type CentersTable = { id: string; name: string; name_key: string; created_at: Timestamp; updated_at: Timestamp };

export type CenterOrganizationsTable = { center_id: string; organization_id: string };

export type Role = 'admin' | 'analyst' | 'center_operator' | 'constituent' | 'partner';

export type UsersTable = {
  id: string;
  email: string;
  email_key: string;
  name: string;
  role: Role;
  organization_id: string | null;
  center_id: string | null;
  password_hash: string | null;
  is_active: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_login_at: Timestamp | null;
};

export type SessionsTable = {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
};

export type ApiKeysTable = {
  id: string;
  prefix: string;
  secret_hash: string;
  name: string;
  user_id: string;
  scopes: string[];
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  created_by: string | null;
  created_at: Timestamp;
};

export type LoginThrottleTable = { key: string; failures: number; window_start: Timestamp; locked_until: Timestamp | null };

export type BootstrapTokensTable = { token_hash: string; created_at: Timestamp; expires_at: Timestamp; used_at: Timestamp | null };

export type JobsTable = {
  id: Generated<number>;
  name: string;
  payload: Json;
  state: 'queued' | 'running' | 'dead';
  run_at: Timestamp;
  attempts: Generated<number>;
  max_attempts: number;
  locked_at: Timestamp | null;
  locked_by: string | null;
  last_error: string | null;
  dedupe_key: string | null;
  created_at: Timestamp;
};

export type SchedulesTable = { name: string; next_run_at: Timestamp; last_run_at: Timestamp | null; last_error: string | null };

/**
 * All tables. Modules that own tables of their own add them to this interface from a
 * `<module>.tables.ts` file (`declare module '../../platform/db/schema.ts' { interface DB { ... } }`).
 */
export interface DB {
  jobs: JobsTable;
  schedules: SchedulesTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  sectors: SectorsTable;
  organizations: OrganizationsTable;
  network_assets: NetworkAssetsTable;
  contacts: ContactsTable;
  asset_changes: AssetChangesTable;
  centers: CentersTable;
  center_organizations: CenterOrganizationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  login_throttle: LoginThrottleTable;
  bootstrap_tokens: BootstrapTokensTable;
}

export type OrganizationRow = Selectable<OrganizationsTable>;
export type NewOrganizationRow = Insertable<OrganizationsTable>;
export type OrganizationUpdate = Updateable<OrganizationsTable>;
export type AssetRow = Selectable<NetworkAssetsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type UserRow = Selectable<UsersTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type AuditRow = Selectable<AuditLogTable>;
