import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Constituency } from '../constituency/index.ts';
import type { IntelService, StixRow } from '../intel/index.ts';
import type { ConstituencyPort, IntelStorePort, StoredVersion } from './ports.ts';
import type { StixObject } from './stix-facets.ts';

/** A version's name: the object's own `modified` as it spells it (else `created`, else the store's `modified`). */
export function versionOf(object: StixObject, storeModified: Date): string {
  return typeof object.modified === 'string' ? object.modified : typeof object.created === 'string' ? object.created : storeModified.toISOString();
}

/** A stored row as sharing reads it. */
export function toStoredVersion(r: StixRow): StoredVersion {
  const object = r.object as StixObject;
  return { seq: Number(r.seq), id: r.id, type: r.type, version: versionOf(object, r.modified), dateAdded: r.date_added, specVersion: r.spec_version, tlp: r.tlp, source: r.source, object };
}

/** The intel store behind the port sharing and TAXII read through. */
export function intelStorePort(intel: Pick<IntelService, 'listObjects' | 'latestOf'>): IntelStorePort {
  const arr = <T>(v: readonly T[] | undefined) => (v ? [...v] : undefined);
  return {
    async list(f) {
      const rows = await intel.listObjects({
        types: arr(f.types),
        ids: arr(f.ids),
        versions: arr(f.versions),
        specVersions: arr(f.specVersions),
        addedAfter: f.addedAfter,
        afterSeq: f.afterSeq,
        tlpAllowed: arr(f.tlpAllowed),
        limit: f.limit,
      });
      return rows.map(toStoredVersion);
    },
    latest: async (ids) => (ids.length ? (await intel.latestOf(ids)).map(toStoredVersion) : []),
  };
}

/** The constituency behind the port the sanitizer asks. */
export function constituencyPort(db: Kysely<DB>, constituency: Pick<Constituency, 'lookup' | 'repo'>): ConstituencyPort {
  return {
    async addressTest() {
      const index = await constituency.lookup.fresh();
      return (value) => {
        const r = index.lookup(value);
        return r.ok && r.value.matches.length > 0;
      };
    },
    async organizationNames(keys) {
      const rows = await constituency.repo.findOrganizationsByNameKeys(db, [...keys]);
      return new Set(rows.map((r) => r.name_key));
    },
  };
}
