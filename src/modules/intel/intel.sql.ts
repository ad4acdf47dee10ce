import { sql, type RawBuilder } from 'kysely';

type PgType = 'text' | 'int8' | 'bool' | 'timestamptz' | 'jsonb' | 'cidr';
/** The PostgreSQL type of every column written; a record over the row type, so none is forgotten. */
export type ColumnTypes<R> = { readonly [K in keyof R]-?: PgType };

const cell = (v: unknown) => (v === undefined || v === null ? null : v instanceof Date ? v.toISOString() : v);

// jsonb documents one per line in a single text parameter: JSON text without a line break (what
// JSON.stringify writes) needs no array-literal escaping, which costs the client (every quote of
// every document) and the server; they are paired with the other columns' rows by position.
const asLines = (values: readonly unknown[]) => values.every((v) => typeof v === 'string' && v.length > 0 && !v.includes('\n'));

/**
 * `(a, b, ...) select a, b::jsonb, ... from unnest($1::type[], ...)`: many rows in one statement with
 * one array parameter per column. jsonb columns travel as text cast row by row, which parses each
 * document once (a jsonb[] parameter costs about a third more on the embedded engine): one line per
 * document in one text parameter when none has a line break, else a text[].
 */
export function unnestRows<R>(types: ColumnTypes<R>, rows: readonly R[]): RawBuilder<unknown> {
  const names = Object.keys(types) as (keyof R & string)[];
  const lines = new Set(names.filter((n) => types[n] === 'jsonb' && asLines(rows.map((r) => r[n]))));
  const arrays = names.filter((n) => !lines.has(n));
  const arrayType = (n: keyof R & string) => (types[n] === 'jsonb' ? 'text' : types[n]);
  const columns = arrays.map((n) => sql`${rows.map((r) => cell(r[n]))}::${sql.raw(arrayType(n))}[]`);
  const select = names.map((n) => (lines.has(n) ? sql`${sql.ref(`l_${n}.v`)}::jsonb` : types[n] === 'jsonb' ? sql`${sql.ref(`u.${n}`)}::jsonb` : sql.ref(`u.${n}`)));
  const joins = [...lines].map((n) => sql` join unnest(string_to_array(${rows.map((r) => r[n]).join('\n')}::text, E'\\n')) with ordinality as ${sql.ref(`l_${n}`)}(v, row_no) on ${sql.ref(`l_${n}.row_no`)} = u.row_no`);
  const from = lines.size ? sql`unnest(${sql.join(columns)}) with ordinality as u(${sql.join(arrays.map((n) => sql.ref(n)))}, row_no)${sql.join(joins, sql``)}` : sql`unnest(${sql.join(columns)}) as u(${sql.join(arrays.map((n) => sql.ref(n)))})`;
  return sql`(${sql.join(names.map((n) => sql.ref(n)))}) select ${sql.join(select)} from ${from}`;
}

/** A timestamp as text with exactly microseconds, the precision of timestamptz: `...T12:00:00.123456Z`. */
export function micros(ts: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(ts);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(6, '0').slice(0, 6)}Z` : ts;
}

/** SQL for a timestamptz column as `micros` text, so rows can be matched to what was sent. */
export const microsOf = (column: string) => sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
