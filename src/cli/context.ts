import { createVigil, type Vigil } from '../app.ts';
import { loadConfig, type Config } from '../platform/config.ts';
import { openDatabase, type Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { createLogger, type Logger } from '../platform/logger.ts';

/** Exit codes: 1 for a failed operation, 2 for bad configuration or arguments. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

export type CliContext = { config: Config; log: Logger; database: Database; vigil: Vigil };

/** Config, logger (stderr, quiet unless VIGIL_LOG_LEVEL says otherwise) and a migrated database. */
export async function withContext<T>(fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // The CLI talks to humans on stdout; routine info logs would only be noise on stderr.
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
  try {
    await migrate(database);
    const vigil = createVigil({ config, database, log });
    return await fn({ config, log, database, vigil });
  } finally {
    await database.close();
  }
}

/** Reads all of standard input (for --password-stdin). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
