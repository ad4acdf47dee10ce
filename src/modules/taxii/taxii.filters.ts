import { AppError } from '../../platform/errors.ts';
import type { VersionMatch } from '../sharing/index.ts';

export const MAX_PAGE = 1000;

export type TaxiiFilters = {
  addedAfter?: Date | undefined;
  limit: number;
  next?: string | undefined;
  ids?: string[] | undefined;
  types?: string[] | undefined;
  versions?: VersionMatch[] | undefined;
  specVersions?: string[] | undefined;
};

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const STIX_ID = /^[a-z0-9][a-z0-9-]*--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STIX_TYPE = /^[a-z0-9][a-z0-9-]{0,249}$/;
const KNOWN = new Set(['added_after', 'limit', 'next', 'match[id]', 'match[type]', 'match[version]', 'match[spec_version]']);

const bad = (param: string, message: string) => new AppError('taxii.invalid_filter', `${param}: ${message}`, 400, { param });

/** A STIX/TAXII timestamp (RFC 3339, UTC, `Z`). */
export function parseTimestamp(value: string, param: string): Date {
  const d = new Date(value);
  if (!TIMESTAMP.test(value) || Number.isNaN(d.getTime())) throw bad(param, 'must be a timestamp like 2025-01-31T12:00:00.000Z');
  return d;
}

function list(q: URLSearchParams, name: string, check: (v: string) => boolean, what: string): string[] | undefined {
  const raw = q.getAll(name);
  if (!raw.length) return undefined;
  const values = raw.flatMap((r) => r.split(',')).map((v) => v.trim());
  const wrong = values.find((v) => !check(v));
  if (wrong !== undefined) throw bad(name, `"${wrong.slice(0, 100)}" is not ${what}`);
  return [...new Set(values)];
}

/**
 * The TAXII 2.1 filters of a request (`added_after`, `limit`, `next`, `match[id|type|version|
 * spec_version]`, comma lists allowed). `limit` above the server maximum is lowered to it; other
 * malformed values and unknown `match[...]` fields are 400 `taxii.invalid_filter`.
 */
export function parseFilters(url: string, opts: { allowed?: readonly string[]; defaultVersion?: VersionMatch } = {}): TaxiiFilters {
  const q = new URL(url).searchParams;
  for (const k of q.keys()) {
    if (k.startsWith('match[') && (!KNOWN.has(k) || (opts.allowed && !opts.allowed.includes(k)))) throw bad(k, 'is not a supported filter here');
  }
  const limitText = q.get('limit');
  let limit = MAX_PAGE;
  if (limitText !== null) {
    if (!/^\d{1,9}$/.test(limitText) || Number(limitText) < 1) throw bad('limit', 'must be a positive integer');
    limit = Math.min(Number(limitText), MAX_PAGE);
  }
  const added = q.get('added_after');
  const versions = list(q, 'match[version]', (v) => v === 'last' || v === 'first' || v === 'all' || TIMESTAMP.test(v), 'last, first, all or a timestamp');
  return {
    addedAfter: added === null ? undefined : parseTimestamp(added, 'added_after'),
    limit,
    next: q.get('next') ?? undefined,
    ids: list(q, 'match[id]', (v) => STIX_ID.test(v), 'a STIX id'),
    types: list(q, 'match[type]', (v) => STIX_TYPE.test(v), 'a STIX type'),
    versions: versions ?? (opts.defaultVersion ? [opts.defaultVersion] : undefined),
    specVersions: list(q, 'match[spec_version]', (v) => /^\d\.\d$/.test(v), 'a spec version like 2.1'),
  };
}
