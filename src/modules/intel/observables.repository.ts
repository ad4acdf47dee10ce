import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

/** Read side of intel_observables: what was extracted from a STIX pattern or observable. */
export function createObservablesRepository() {
  return {
    /** The observables extracted from one intel object, by kind then value. */
    async listOf(db: Kysely<DB>, objectId: string, limit: number) {
      return db.selectFrom('intel_observables').select(['kind', 'value', 'origin']).where('object_id', '=', objectId).orderBy('kind').orderBy('value').limit(limit).execute();
    },
  };
}
