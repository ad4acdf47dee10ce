import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import { observablesOf } from './intel.import.ts';
import type { IntelRepository } from './intel.repository.ts';
import { micros } from './intel.sql.ts';
import type { StixObject } from './stix.validate.ts';

/** Which versions to delete: every version of `id` (optionally only those modified at `versions`) that came from `source`. */
export type DeleteVersionsInput = { id: string; versions?: readonly string[] | undefined; source: string };
export type DeleteVersionsResult = { deleted: string[] };

/**
 * Deletes stored versions of one object that came from one source (a partner deleting what it
 * posted). When no version is left, the object's derived rows (observables, edges, correlations)
 * go too; otherwise its observables are derived again from the latest version left, which is no
 * longer superseded. Serialized with imports; audited in the same transaction. Returns the versions
 * deleted (as stored, microsecond timestamps).
 */
export async function deleteVersions(deps: { db: Kysely<DB>; audit: AuditService; repo: IntelRepository }, input: DeleteVersionsInput, actor: Actor): Promise<DeleteVersionsResult> {
  return deps.db.transaction().execute(async (tx) => {
    // Under the imports' lock: an import storing a version of this id meanwhile would otherwise
    // judge which version is the newest (superseded) from versions this deletion removes.
    await deps.repo.lockImports(tx);
    const versions = input.versions ? input.versions.map(micros) : null;
    const { rows } = await sql<{ modified: string }>`delete from stix_objects where id = ${input.id} and source = ${input.source}
      ${versions ? sql`and modified = any(${versions}::timestamptz[])` : sql``}
      returning to_char(modified at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as modified`.execute(tx);
    if (!rows.length) return { deleted: [] };
    await deps.repo.resetSuperseded(tx, input.id);
    const [left] = await deps.repo.versions(tx, input.id).then((v) => v.slice(-1));
    if (left) await deps.repo.replaceObservables(tx, [input.id], observablesOf(left.object as StixObject, []));
    else await deleteDerived(tx, input.id);
    const deleted = rows.map((r) => r.modified).sort();
    await deps.audit.append(tx, actor, { action: 'intel.versions_deleted', entityType: 'stix_object', entityId: input.id, after: { source: input.source, versions: deleted, objectGone: !left } });
    return { deleted };
  });
}

async function deleteDerived(tx: Kysely<DB>, id: string): Promise<void> {
  await tx.deleteFrom('intel_observables').where('object_id', '=', id).execute();
  await tx.deleteFrom('stix_edges').where('id', '=', id).execute();
  await tx.deleteFrom('intel_correlations').where('object_id', '=', id).execute();
  await tx.deleteFrom('intel_correlation_counts').where('object_id', '=', id).execute();
}
