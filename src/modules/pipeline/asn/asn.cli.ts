/** `vigil import prefixes FILE`: the command body, given the ASN service of a CLI context. */
import fs from 'node:fs';
import { AppError } from '../../../platform/errors.ts';
import type { Actor } from '../../audit/index.ts';
import type { AsnService } from './asn.service.ts';

/**
 * Imports a pfx2as file from disk (streamed) and prints the outcome for humans; on a rejected file
 * prints each bad line ("line N: message (code)") and rethrows the AppError.
 */
export async function importPrefixesFile(asn: AsnService, file: string, actor: Actor, print: (line: string) => void = console.log): Promise<void> {
  if (!fs.existsSync(file)) throw new AppError('asn.file_not_found', `No such file: ${file}`, 400);
  try {
    const r = await asn.import(fs.createReadStream(file), { source: 'cli' }, actor);
    print(`Imported ${r.prefixes.v4} IPv4 and ${r.prefixes.v6} IPv6 prefixes of ${r.asns} ASes from ${r.lines} lines (sha256 ${r.sha256.slice(0, 12)}…); the previous table was replaced.`);
  } catch (err) {
    if (err instanceof AppError && err.code === 'asn.import_rejected') {
      const { errors, errorCount } = err.details as { errors: { line: number; code: string; message: string }[]; errorCount: number };
      for (const e of errors) print(`line ${e.line}: ${e.message} (${e.code})`);
      if (errorCount > errors.length) print(`... and ${errorCount - errors.length} more`);
    }
    throw err;
  }
}
