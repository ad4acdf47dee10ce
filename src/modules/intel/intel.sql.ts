import { sql, type RawBuilder } from 'kysely';

type PgType = 'text' | 'int8' | 'bool' | 'timestamptz' | 'jsonb' | 'cidr';
/** The PostgreSQL type of every column written; a record over the row type, so none is forgotten. */
export type ColumnTypes<R> = { readonly [K in keyof R]-?: PgType };

const cell = (v: unknown) => (v === undefined || v === null ? null : v instanceof Date ? v.toISOString() : v);

/**
 * `(a, b, ...) select a, b::jsonb, ... from unnest($1::type[], ...)`: many rows in one statement with
 * one array parameter per column. jsonb columns travel as a text[] cast row by row, which parses
 * each document once (a jsonb[] parameter costs about a third more on the embedded engine).
 */
export function unnestRows<R>(types: ColumnTypes<R>, rows: readonly R[]): RawBuilder<unknown> {
  const names = Object.keys(types) as (keyof R & string)[];
  const arrayType = (n: keyof R & string) => (types[n] === 'jsonb' ? 'text' : types[n]);
  const columns = names.map((n) => sql`${rows.map((r) => cell(r[n]))}::${sql.raw(arrayType(n))}[]`);
  const select = names.map((n) => (types[n] === 'jsonb' ? sql`${sql.ref(n)}::jsonb` : sql.ref(n)));
  return sql`(${sql.join(names.map((n) => sql.ref(n)))}) select ${sql.join(select)} from unnest(${sql.join(columns)}) as u(${sql.join(names.map((n) => sql.ref(n)))})`;
}

/** A timestamp as text with exactly microseconds, the precision of timestamptz: `...T12:00:00.123456Z`. */
export function micros(ts: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(ts);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(6, '0').slice(0, 6)}Z` : ts;
}

/** SQL for a timestamptz column as `micros` text, so rows can be matched to what was sent. */
export const microsOf = (column: string) => sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
