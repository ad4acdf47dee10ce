import { sql, type RawBuilder } from 'kysely';

type PgType = 'uuid' | 'text' | 'int4' | 'timestamptz' | 'jsonb';
/** The PostgreSQL type of every column written; a record over the row type, so none is forgotten. */
export type ColumnTypes<R> = { readonly [K in keyof R]-?: PgType };

const cell = (v: unknown, type: PgType) => (v === undefined || v === null ? null : v instanceof Date ? v.toISOString() : type === 'jsonb' && typeof v !== 'string' ? JSON.stringify(v) : v);

/** One column of `rows` as a typed array parameter (timestamps as ISO text, the same on both drivers). */
export function column<R>(rows: readonly R[], name: keyof R, type: PgType): RawBuilder<unknown> {
  return sql`${rows.map((r) => cell(r[name], type))}::${sql.raw(type)}[]`;
}

/**
 * `(a, b, ...) select * from unnest($1::type[], $2::type[], ...)`: many rows in one statement with
 * one parameter per column. A VALUES list takes a parameter per cell, which costs twice as much to
 * send and parse, and stops at 65,535 parameters.
 */
export function unnestRows<R>(types: ColumnTypes<R>, rows: readonly R[]): RawBuilder<unknown> {
  const names = Object.keys(types) as (keyof R & string)[];
  return sql`(${sql.join(names.map((n) => sql.ref(n)))}) select * from unnest(${sql.join(names.map((n) => column(rows, n, types[n])))})`;
}
