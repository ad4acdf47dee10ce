import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { loadConfig } from '../platform/config.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { AppError } from '../platform/errors.ts';
import { decodeUtf8Strict } from '../platform/text.ts';
import { SYSTEM_ACTOR } from '../modules/audit/index.ts';
import { CreateUserRequest } from '../modules/auth/auth.schemas.ts';
import type { ImportFormat } from '../modules/constituency/index.ts';
import { importPrefixesFile } from '../modules/pipeline/index.ts';
import { CliError, readStdin, withContext } from './context.ts';
import { promptSecret } from './prompt.ts';

const CLI_ACTOR = { ...SYSTEM_ACTOR, label: 'cli' };

export async function adminCreate(opts: { email: string; name: string; passwordStdin?: boolean }): Promise<void> {
  let password: string;
  if (opts.passwordStdin) password = (await readStdin()).replace(/\r?\n$/, '');
  else if (process.stdin.isTTY) {
    password = await promptSecret('Password (at least 12 characters): ');
    if ((await promptSecret('Repeat password: ')) !== password) throw new CliError('The passwords do not match', 2);
  } else throw new CliError('No password: pass --password-stdin and pipe it in, or run in a terminal', 2);
  const input = CreateUserRequest.safeParse({ email: opts.email, name: opts.name, role: 'admin', password });
  if (!input.success) throw new CliError(input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'), 2);
  await withContext(async ({ vigil }) => {
    const user = await vigil.services.users.create(input.data, CLI_ACTOR);
    console.log(`Administrator ${user.email} created (id ${user.id}).`);
  });
}

function formatOf(file: string, format?: string): ImportFormat {
  const f = (format ?? path.extname(file).slice(1)).toLowerCase();
  if (f !== 'csv' && f !== 'json') throw new CliError(`Cannot tell the format of ${file}; pass --format csv or --format json`, 2);
  return f;
}

export async function importConstituency(file: string, opts: { partial?: boolean; dryRun?: boolean; format?: string }): Promise<void> {
  const format = formatOf(file, opts.format);
  if (!fs.existsSync(file)) throw new CliError(`No such file: ${file}`, 2);
  const text = decodeUtf8Strict(fs.readFileSync(file));
  await withContext(async ({ vigil }) => {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: 'Importing [{bar}] {percentage}% | {value}/{total} organizations | ETA {eta}s', noTTYOutput: true, notTTYSchedule: 2000, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    try {
      const result = await vigil.services.constituency.imports.run(text, { format, partial: !!opts.partial, dryRun: !!opts.dryRun }, CLI_ACTOR, (done, total) => {
        if (!started) bar.start(total, 0);
        started = true;
        bar.update(done);
      });
      bar.stop();
      for (const e of result.errors) console.log(`line ${e.line}${e.field ? ` [${e.field}]` : ''}: ${e.reason} (${e.code}) — skipped`);
      const s = result.summary;
      console.log(
        `${result.dryRun ? 'Dry run (nothing applied)' : 'Imported'}: ${s.rows} rows, ${s.organizationsCreated} organizations created, ${s.organizationsUpdated} updated, ${s.assetsAdded} assets and ${s.contactsAdded} contacts added, ${s.failedRows} rows failed.`,
      );
    } catch (err) {
      if (started) bar.stop();
      if (err instanceof AppError && err.code === 'import.rejected') {
        const { errors } = err.details as { errors: { line: number; field: string | null; reason: string; code: string }[] };
        for (const e of errors) console.log(`line ${e.line}${e.field ? ` [${e.field}]` : ''}: ${e.reason} (${e.code})`);
        throw new CliError(`${err.message}. Fix the rows, or pass --partial to apply the rows that pass.`);
      }
      throw err;
    }
  });
}

/** `vigil import prefixes FILE`: replaces the ASN / country prefix table with a pfx2as file (all or nothing). */
export async function importPrefixes(file: string): Promise<void> {
  await withContext(({ vigil }) => importPrefixesFile(vigil.services.asnPrefixes, file, CLI_ACTOR));
}

export async function lookup(query: string, opts: { json?: boolean }): Promise<void> {
  await withContext(async ({ vigil }) => {
    const result = await vigil.services.constituency.lookup.lookup(query, { kind: 'all' });
    if (opts.json) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    console.log(`${result.kind} ${result.normalized}`);
    if (!result.matches.length) console.log('No owner found.');
    for (const m of result.matches) {
      console.log(`  ${m.organization.name.padEnd(40)} ${m.asset.value.padEnd(28)} ${m.matchType}/${m.specificity}${m.organization.isCii ? '  CII' : ''}`);
    }
    if (result.isOverlapping) console.log('Note: several organizations claim overlapping assets; the most specific is listed first.');
  });
}

export async function auditVerify(): Promise<void> {
  await withContext(async ({ vigil, database }) => {
    const result = await vigil.services.audit.verify(database.db);
    if (result.ok) {
      console.log(`Audit log intact: ${result.count} entries verified.`);
      return;
    }
    console.log(`Audit log BROKEN at entry ${result.brokenAt}: ${result.reason} (${result.count} entries verified before it).`);
    throw new CliError('audit verification failed');
  });
}

export async function exportConstituency(opts: { format?: string; output?: string }): Promise<void> {
  const format = (opts.format ?? 'json') as 'json' | 'csv';
  if (format !== 'json' && format !== 'csv') throw new CliError('--format must be json or csv', 2);
  await withContext(async ({ vigil }) => {
    const body = await vigil.services.constituency.exports.export({ kind: 'all' }, format);
    if (opts.output) {
      fs.writeFileSync(opts.output, body);
      console.error(`Wrote ${opts.output}`);
    } else process.stdout.write(body);
  });
}

export async function runMigrations(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 1 });
  try {
    const applied = await migrate(database);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database schema is up to date.');
  } finally {
    await database.close();
  }
}
