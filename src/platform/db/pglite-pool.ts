import { types, type PGlite } from '@electric-sql/pglite';

type QueryResult = { rows: unknown[]; rowCount: number; command: string };

/** The subset of a `pg` pool client that Kysely's PostgresDialect uses. */
export type PoolClientLike = {
  query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  release(): void;
};

/**
 * Makes an embedded PGlite look like a `pg` pool with exactly one connection, so Kysely's own
 * PostgresDialect drives both engines. PGlite has a single session: a mutex hands the connection
 * to one caller at a time, which keeps a Kysely transaction's statements together.
 */
export class PglitePool {
  readonly pglite: PGlite;
  #queue: Promise<void> = Promise.resolve();

  constructor(pglite: PGlite) {
    this.pglite = pglite;
  }

  async connect(): Promise<PoolClientLike> {
    let release!: () => void;
    const previous = this.#queue;
    this.#queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    const pglite = this.pglite;
    let released = false;
    return {
      async query(sql, params) {
        // PGlite's extended protocol takes one statement; parameterless scripts go through exec.
        if (!params || params.length === 0) {
          const results = await pglite.exec(sql);
          const last = results.at(-1);
          return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? 0, command: commandOf(sql) };
        }
        const r = await pglite.query(sql, params as unknown[]);
        return { rows: r.rows, rowCount: r.affectedRows ?? 0, command: commandOf(sql) };
      },
      release() {
        if (!released) {
          released = true;
          release();
        }
      },
    };
  }

  async end(): Promise<void> {
    await this.#queue;
    await this.pglite.close();
  }
}

/** Parsers that make PGlite return the same JavaScript types as the `pg` driver is set to. */
export const pgliteParsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => Number(v),
};

const COMMAND = /^\s*(?:with\b[\s\S]*?\)\s*)?(insert|update|delete|merge|select)\b/i;

// Kysely reads the command tag to report affected rows; PGlite does not always give it.
function commandOf(sql: string): string {
  return COMMAND.exec(sql)?.[1]?.toUpperCase() ?? '';
}
