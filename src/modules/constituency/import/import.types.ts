import type { AssetType } from '../../../platform/db/schema.ts';
import type { ContactInputT } from '../constituency.schemas.ts';

/** One failed row: the line in the file, the field at fault (if one), a stable code and a reason. */
export type RowError = { line: number; field: string | null; code: string; reason: string };

/** A row after parsing and validation, ready to apply. */
export type ImportRow = {
  line: number;
  name: string;
  /** Organization attributes this row sets (a continuation row may leave them out). */
  sector?: string | undefined;
  country?: string | undefined;
  isCii?: boolean | undefined;
  ciiCategory?: string | null | undefined;
  assets: { type: AssetType; value: string }[];
  contacts: ContactInputT[];
};

export type ParsedFile = { rows: ImportRow[]; errors: RowError[]; rowCount: number };

export type ImportSummary = {
  rows: number;
  organizationsCreated: number;
  organizationsUpdated: number;
  assetsAdded: number;
  contactsAdded: number;
  failedRows: number;
};
