import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { ConstituencyRepository } from './constituency.repository.ts';
import { toExportCsv, toExportJson } from './import/export.ts';
import type { OrgScope } from './scope.ts';

export type ExportService = ReturnType<typeof createExportService>;

/** Exports what the caller can see, in the formats the import reads. */
export function createExportService(deps: { db: Kysely<DB>; repo: ConstituencyRepository }) {
  const { db, repo } = deps;
  return {
    async export(scope: OrgScope, format: 'json' | 'csv'): Promise<string> {
      const bundles = [];
      let after: { k: string; i: string } | undefined;
      for (;;) {
        const orgs = await repo.listOrganizations(db, scope, {}, after, 1000);
        if (!orgs.length) break;
        const ids = orgs.map((o) => o.id);
        const [assets, contacts] = await Promise.all([repo.listAssetsOf(db, ids), repo.listContactsOf(db, ids)]);
        const assetsOf = groupBy(assets, (a) => a.organization_id);
        const contactsOf = groupBy(contacts, (c) => c.organization_id);
        for (const org of orgs) bundles.push({ org, assets: assetsOf.get(org.id) ?? [], contacts: contactsOf.get(org.id) ?? [] });
        const last = orgs.at(-1)!;
        after = { k: last.name_key, i: last.id };
      }
      return format === 'csv' ? toExportCsv(bundles) : toExportJson(bundles);
    },
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
