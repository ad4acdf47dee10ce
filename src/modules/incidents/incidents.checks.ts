import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { normalizeRsit } from '../../platform/rsit.ts';

// Senders' clocks drift; a time this far ahead of ours is a mistake, not skew.
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** Validates detection/start times against our clock; returns them as Dates. */
export function checkTimes(now: Date, detectedAt?: string | null, startedAt?: string | null): { detected: Date | null; started: Date | null } {
  const detected = detectedAt ? new Date(detectedAt) : null;
  const started = startedAt ? new Date(startedAt) : null;
  for (const [field, d] of [['detectedAt', detected], ['startedAt', started]] as const) {
    if (d && d.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
      throw new AppError('incident.time_in_future', `${field} is in the future (${d.toISOString()}; server time ${now.toISOString()})`, 400, { field, serverTime: now.toISOString() });
    }
  }
  if (detected && started && started > detected) {
    throw new AppError('incident.start_after_detection', 'startedAt is after detectedAt', 400, { field: 'startedAt' });
  }
  return { detected, started };
}

/** The RSIT class/type, normalized, or 400 naming the allowed classes. */
export function checkRsit(taxonomy: string, type: string): { taxonomy: string; type: string } {
  const r = normalizeRsit(taxonomy, type);
  if (!r) throw new AppError('incident.unknown_taxonomy', `"${taxonomy}/${type}" is not in the RSIT taxonomy`, 400, { field: 'rsitType' });
  return r;
}

export async function checkOrganization(db: Kysely<DB>, organizationId: string | null | undefined): Promise<void> {
  if (!organizationId) return;
  const org = await db.selectFrom('organizations').select('id').where('id', '=', organizationId).executeTakeFirst();
  if (!org) throw new AppError('incident.unknown_organization', 'The organization does not exist', 400, { field: 'organizationId' });
}

/** A center may only notify about organizations it serves. */
export async function checkServes(db: Kysely<DB>, centerId: string, organizationId: string): Promise<void> {
  const row = await db
    .selectFrom('center_organizations')
    .select('organization_id')
    .where('center_id', '=', centerId)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  if (!row) throw new AppError('incident.organization_not_served', 'Your center does not serve this organization', 403, { organizationId });
}

/** The organizations among `organizationIds` that the center serves. */
export async function servedOrganizations(db: Kysely<DB>, centerId: string, organizationIds: readonly string[]): Promise<Set<string>> {
  if (!organizationIds.length) return new Set();
  const rows = await db
    .selectFrom('center_organizations')
    .select('organization_id')
    .where('center_id', '=', centerId)
    .where('organization_id', 'in', [...organizationIds])
    .execute();
  return new Set(rows.map((r) => r.organization_id));
}
