import { parseTree, type Node } from 'jsonc-parser';
import { AppError } from '../../../platform/errors.ts';
import { ASSET_TYPES } from '../constituency.schemas.ts';
import type { AssetType } from '../../../platform/db/schema.ts';
import type { ParsedFile, RowError } from './import.types.ts';
import { validateRow, type RawRow } from './row-validate.ts';

const ORG_KEYS = new Set(['name', 'sector', 'country', 'isCii', 'ciiCategory', 'assets', 'contacts', 'id', 'createdAt', 'updatedAt', 'assetCount', 'contactCount']);

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

// The node at a dotted path like "assets.2.value" inside an object node, or the deepest one that
// exists on the way (a missing field is reported where its object is).
function nodeAt(node: Node, path: string): Node {
  let cur: Node = node;
  for (const part of path.split('.')) {
    let next: Node | undefined;
    if (cur.type === 'object') next = cur.children?.find((p) => p.children?.[0]?.value === part)?.children?.[1];
    else if (cur.type === 'array') next = cur.children?.[Number(part)];
    if (!next) return cur;
    cur = next;
  }
  return cur;
}

function toRawRow(value: Record<string, unknown>, line: number, lineOf: (f: string) => number, errors: RowError[]): RawRow {
  for (const key of Object.keys(value)) {
    if (!ORG_KEYS.has(key)) errors.push({ line: lineOf(key), field: key, code: 'import.unknown_field', reason: `unknown field "${key}"` });
  }
  const assets: RawRow['assets'] = [];
  const rawAssets = value.assets ?? [];
  if (!Array.isArray(rawAssets)) errors.push({ line: lineOf('assets'), field: 'assets', code: 'import.invalid_field', reason: 'assets must be an array' });
  else
    rawAssets.forEach((a: { type?: unknown; value?: unknown } | null, i) => {
      if (!a || typeof a !== 'object' || !ASSET_TYPES.includes(a.type as AssetType)) {
        errors.push({ line: lineOf(`assets.${i}`), field: `assets[${i}].type`, code: 'asset.invalid_type', reason: `type must be one of ${ASSET_TYPES.join(', ')}` });
      } else assets.push({ type: a.type as AssetType, value: a.value, field: `assets[${i}].value` });
    });
  const contacts: RawRow['contacts'] = [];
  const rawContacts = value.contacts ?? [];
  if (!Array.isArray(rawContacts)) errors.push({ line: lineOf('contacts'), field: 'contacts', code: 'import.invalid_field', reason: 'contacts must be an array' });
  else
    rawContacts.forEach((c: unknown, i) => {
      const { id: _i, organizationId: _o, createdAt: _c, pgpFingerprint: _f, ...raw } = (c ?? {}) as Record<string, unknown>;
      contacts.push({ raw, field: `contacts[${i}]` });
    });
  return { line, lineOf, name: value.name, sector: value.sector, country: value.country, isCii: value.isCii, ciiCategory: value.ciiCategory, assets, contacts };
}

/**
 * Parses the constituency JSON: an array of organizations in the export format. Errors carry the
 * line of the offending field, found from the parse tree's offsets.
 */
export function parseConstituencyJson(text: string, sectors: ReadonlySet<string>): ParsedFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const pos = /position (\d+)/.exec((err as Error).message)?.[1];
    const line = pos ? lineAt(lineStarts(text), Number(pos)) : null;
    throw new AppError('import.invalid_json', `The file is not valid JSON: ${(err as Error).message}`, 400, { line });
  }
  if (!Array.isArray(data)) throw new AppError('import.invalid_json', 'The file must be a JSON array of organizations', 400, { line: 1 });
  const tree = parseTree(text);
  const starts = lineStarts(text);
  const rows: ParsedFile['rows'] = [];
  const errors: RowError[] = [];
  data.forEach((value: unknown, i) => {
    const node = tree?.children?.[i];
    const line = node ? lineAt(starts, node.offset) : i + 1;
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      errors.push({ line, field: null, code: 'import.invalid_row', reason: 'each item must be an object' });
      return;
    }
    const lineOf = (field: string) => {
      const path = field.replace(/\[(\d+)\]/g, '.$1');
      const n = node ? nodeAt(node, path) : undefined;
      return n ? lineAt(starts, n.offset) : line;
    };
    const rowErrors: RowError[] = [];
    const raw = toRawRow(value as Record<string, unknown>, line, lineOf, rowErrors);
    const result = validateRow(raw, sectors);
    errors.push(...rowErrors, ...result.errors);
    if (result.row && rowErrors.length === 0) rows.push(result.row);
  });
  return { rows, errors, rowCount: data.length };
}
