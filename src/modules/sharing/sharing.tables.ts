import type { ColumnType, Kysely, Selectable } from 'kysely';
import type { DB, UsersTable } from '../../platform/db/schema.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;

export type PartnerKind = 'national_cert' | 'sector_cert' | 'international_body' | 'isac' | 'vendor' | 'other';

export type PartnersTable = {
  id: string;
  name: string;
  name_key: string;
  country: string;
  kind: PartnerKind;
  contacts: Json;
  status: 'active' | 'suspended';
  description: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type SharingAgreementsTable = {
  id: string;
  partner_id: string;
  collection_id: string;
  title: string;
  purpose: string;
  direction: 'outbound' | 'inbound' | 'both';
  tlp_levels: string[];
  rsit_classes: string[] | null;
  object_types: string[] | null;
  sectors: string[] | null;
  community: boolean;
  constituent_identities: 'keep' | 'remove';
  constituent_addresses: 'keep' | 'generalize' | 'remove';
  valid_from: Timestamp;
  valid_until: Timestamp | null;
  status: 'active' | 'terminated';
  created_at: Timestamp;
  updated_at: Timestamp;
};

/** One object in a delivery row: id, modified (version), SHA-256 of the exact bytes sent. */
export type LedgerObject = [id: string, modified: string, sha256: string];

export type SharingLedgerTable = {
  seq: number;
  at: Timestamp;
  partner_id: string;
  agreement_id: string;
  collection_id: string;
  /** Rows of the single-object form (written before migration 0018); null in delivery rows. */
  object_id: string | null;
  object_modified: string | null;
  sha256: string | null;
  /** A delivery row's objects, in the order sent: [id, modified, sha256]; null in single-object rows. */
  objects: ColumnType<LedgerObject[] | null, string | null, string | null>;
  route: string;
  request_id: string | null;
  prev_hash: string;
  hash: string;
};

export type SharingLedgerHeadTable = { id: ColumnType<boolean, boolean | undefined, boolean>; seq: number; hash: string };

declare module '../../platform/db/schema.ts' {
  interface DB {
    partners: PartnersTable;
    sharing_agreements: SharingAgreementsTable;
    sharing_ledger: SharingLedgerTable;
    sharing_ledger_head: SharingLedgerHeadTable;
  }
}

/** The database as this module sees it: `users` with the `partner_id` column migration 0015 added. */
export type SharingDB = Omit<DB, 'users'> & { users: UsersTable & { partner_id: ColumnType<string | null, string | null | undefined, string | null> } };

/** The same connection (or transaction), typed with `users.partner_id`. */
export function withPartnerColumn(db: Kysely<DB>): Kysely<SharingDB> {
  return db as unknown as Kysely<SharingDB>;
}

export type PartnerRow = Selectable<PartnersTable>;
export type AgreementRow = Selectable<SharingAgreementsTable>;
export type LedgerRow = Selectable<SharingLedgerTable>;
