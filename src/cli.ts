import { Command, CommanderError } from 'commander';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from './platform/config.ts';
import { DataDirLockedError } from './platform/db/lock.ts';
import { AppError } from './platform/errors.ts';
import { createLogger } from './platform/logger.ts';
import { adminCreate, auditVerify, exportConstituency, importConstituency, importPrefixes, lookup, runMigrations } from './cli/commands.ts';
import { CliError, withContext } from './cli/context.ts';
import { startBackground, startServer } from './server.ts';
import { createVigil } from './app.ts';
import { openDatabase } from './platform/db/database.ts';
import { migrate } from './platform/db/migrate.ts';

async function serve(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const running = await startServer(config, log);
  console.log(`Vigil is running: console ${running.url}/  ·  API docs ${running.url}/api/docs  ·  engine ${running.database.engine}`);
  if (running.bootstrapToken) {
    console.log(`No administrator yet. Create one within 24 hours at ${running.url}/setup#token=${running.bootstrapToken}`);
    console.log('(or stop Vigil and run: npm run vigil -- admin create --email you@example.org --name "Your Name")');
  }
  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

async function worker(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.dbPoolMax });
  await migrate(database);
  const vigil = createVigil({ config, database, log });
  const background = startBackground(vigil, database, log);
  console.log(`Vigil worker running (${vigil.jobs.length} job kinds, ${vigil.tasks.length} scheduled tasks, engine ${database.engine}).`);
  const stop = async (signal: string) => {
    log.info({ signal }, 'worker shutting down');
    await background.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/** `vigil ledger verify`: walks the outbound ledger's hash chain (exit 1 at the first broken row). */
async function ledgerVerify(): Promise<void> {
  await withContext(async ({ vigil }) => {
    const result = await vigil.services.sharing.verifyLedger();
    if (result.ok) {
      console.log(`Outbound ledger intact: ${result.count} rows (deliveries) listing ${result.objects} objects verified.`);
      return;
    }
    console.log(`Outbound ledger BROKEN at row ${result.brokenAt}: ${result.reason} (${result.count} rows verified before it).`);
    throw new CliError('ledger verification failed');
  });
}

function program(): Command {
  const cmd = new Command('vigil')
    .description('Vigil: the national CERT platform')
    .addHelpText('after', `\nConfiguration comes from the environment: ${CONFIG_VARIABLES.join(', ')}.`)
    .exitOverride()
    .showHelpAfterError();
  cmd.command('serve').description('Start the API, the web console and the background work').action(serve);
  cmd.command('worker').description('Run background jobs and scheduled tasks only (scale out on a PostgreSQL server)').action(worker);
  cmd.command('migrate').description('Apply pending database migrations').action(runMigrations);
  const admin = cmd.command('admin').description('Administrator accounts');
  admin
    .command('create')
    .description('Create an administrator (asks for the password, or reads it with --password-stdin)')
    .requiredOption('--email <email>', 'e-mail address used to sign in')
    .requiredOption('--name <name>', 'display name')
    .option('--password-stdin', 'read the password from standard input')
    .action(adminCreate);
  const imp = cmd.command('import').description('Bulk imports');
  imp
    .command('constituency')
    .argument('<file>', 'CSV or JSON file')
    .description('Import organizations, network assets and contacts (all or nothing unless --partial)')
    .option('--partial', 'apply the rows that pass and report the others')
    .option('--dry-run', 'validate and report without applying anything')
    .option('--format <format>', 'csv or json (default: from the file extension)')
    .action(importConstituency);
  imp
    .command('prefixes')
    .argument('<file>', 'pfx2as file: one "prefix<TAB>length<TAB>origin AS[<TAB>country<TAB>AS name]" per line')
    .description('Replace the ASN / country prefix table of the event pipeline (all or nothing)')
    .action(importPrefixes);
  const exp = cmd.command('export').description('Exports');
  exp
    .command('constituency')
    .description('Export the constituency as JSON (default) or CSV')
    .option('--format <format>', 'json or csv')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action(exportConstituency);
  cmd
    .command('lookup')
    .argument('<query>', 'IP, CIDR, ASN, domain, URL or e-mail address')
    .description('Which organizations own this, most specific first')
    .option('--json', 'print JSON')
    .action(lookup);
  const audit = cmd.command('audit').description('The tamper-evident audit log');
  audit.command('verify').description('Verify the hash chain and report the first broken link').action(auditVerify);
  const ledger = cmd.command('ledger').description('The outbound sharing ledger (hash chain of every object sent to a partner)');
  ledger.command('verify').description('Verify the ledger hash chain and report the first broken row').action(ledgerVerify);
  for (const c of [cmd, admin, imp, exp, audit, ledger]) c.exitOverride();
  return cmd;
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
      return 2;
    }
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    if (err instanceof CliError) {
      console.error(err.message);
      return err.exitCode;
    }
    if (err instanceof AppError || err instanceof DataDirLockedError) {
      console.error(`${err.message}${err instanceof AppError ? ` (${err.code})` : ''}`);
      return 1;
    }
    console.error(err);
    return 1;
  }
}

/** Runs the CLI on this process's arguments and sets its exit code (src/main.ts is the entry point). */
export async function runCli(): Promise<void> {
  // `vigil lookup x | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const code = await main(process.argv.slice(2));
  if (code !== 0 || process.argv[2] !== 'serve') process.exitCode = code;
  if (code !== 0) process.exit(code);
}

if (import.meta.main) await runCli();
