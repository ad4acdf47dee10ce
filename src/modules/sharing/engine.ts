import type { Clock } from '../../platform/clock.ts';
import { decide, type Agreement, type Decision, type PolicyContext } from './policy.ts';
import type { ConstituencyPort, IntelStorePort, StoredVersion } from './ports.ts';
import { ownFate, type ConstituencyView } from './sanitize.ts';
import { refProperties, type StixObject } from './stix-facets.ts';

/** One version with the decision taken for it and, when allowed, the exact object that may leave. */
export type Evaluated = { row: StoredVersion; decision: Decision; object: StixObject | null };

const SANITIZED_TYPES = new Set(['identity', 'ipv4-addr', 'ipv6-addr']);
const isSanitizedRef = (id: string) => SANITIZED_TYPES.has(id.slice(0, id.indexOf('--')));

export type SharingEngine = ReturnType<typeof createSharingEngine>;

/**
 * Applies the policy to pages of stored versions: builds the constituency view and the fate of
 * referenced identities and addresses once per page (two queries at most), then `decide`s each.
 */
export function createSharingEngine(deps: { store: IntelStorePort; constituency: ConstituencyPort; clock: Clock }) {
  const { store, constituency, clock } = deps;

  async function contextFor(agreement: Agreement, partnerActive: boolean, rows: readonly StoredVersion[]): Promise<PolicyContext> {
    const now = clock.now();
    if (agreement.constituentIdentities === 'keep' && agreement.constituentAddresses === 'keep') {
      return { now, partnerActive, constituency: { isConstituentAddress: () => false, isConstituentIdentity: () => false }, refFate: () => undefined };
    }
    const inPage = new Set(rows.map((r) => r.id));
    const refIds = new Set<string>();
    for (const r of rows) for (const [, ids] of refProperties(r.object)) for (const id of ids) if (isSanitizedRef(id) && !inPage.has(id)) refIds.add(id);
    const referenced = refIds.size ? await store.latest([...refIds]) : [];
    const subjects = [...rows.map((r) => r.object), ...referenced.map((r) => r.object)];
    const names = subjects.filter((o) => o.type === 'identity' && typeof o.name === 'string').map((o) => (o.name as string).toLowerCase());
    const [isAddress, orgNames] = await Promise.all([constituency.addressTest(), names.length ? constituency.organizationNames([...new Set(names)]) : Promise.resolve(new Set<string>())]);
    const view: ConstituencyView = {
      isConstituentAddress: isAddress,
      isConstituentIdentity: (o) =>
        o.identity_class === 'individual' || typeof o.x_vigil_organization_id === 'string' || (typeof o.name === 'string' && orgNames.has(o.name.toLowerCase())),
    };
    const rules = { identities: agreement.constituentIdentities, addresses: agreement.constituentAddresses };
    const fates = new Map<string, string | null>();
    for (const o of subjects) {
      if (!SANITIZED_TYPES.has(o.type)) continue;
      const fate = ownFate(o, rules, view);
      if (fate.kind === 'drop') fates.set(o.id, null);
      else if (fate.kind === 'transform') fates.set(o.id, fate.object.id);
    }
    return { now, partnerActive, constituency: view, refFate: (id) => (fates.has(id) ? fates.get(id) : undefined) };
  }

  return {
    contextFor,
    /** Decides every version of a page under one agreement. */
    async evaluate(agreement: Agreement, partnerActive: boolean, rows: readonly StoredVersion[]): Promise<Evaluated[]> {
      if (!rows.length) return [];
      const ctx = await contextFor(agreement, partnerActive, rows);
      return rows.map((row) => {
        const decision = decide({ object: row.object, tlp: row.tlp, source: row.source }, agreement, ctx);
        return { row, decision, object: decision.allowed ? (decision.transformed ?? row.object) : null };
      });
    },
  };
}

