import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import { SYSTEM_ACTOR, type AuditService } from '../../audit/index.ts';
import type { createIncidents } from '../../incidents/index.ts';
import type { FeedRow } from '../pipeline.tables.ts';
import type { IncidentIntent, ParsedEvent } from '../pipeline.types.ts';
import type { IntentSink } from './processor.ts';

type Incidents = ReturnType<typeof createIncidents>;
type IncidentRow = Parameters<Incidents['repo']['insert']>[1];

const MAX_OBSERVABLES = 200;
const TLP_ORDER = ['clear', 'green', 'amber', 'amber+strict', 'red'];

function observablesOf(events: readonly ParsedEvent[]): { type: string; value: string }[] {
  const out = new Map<string, { type: string; value: string }>();
  for (const { event } of events) {
    const ip = event['source.ip'];
    if (typeof ip === 'string') out.set(`ip ${ip}`, { type: ip.includes(':') ? 'ipv6' : 'ipv4', value: ip });
    const fqdn = event['source.fqdn'];
    if (typeof fqdn === 'string') out.set(`d ${fqdn}`, { type: 'domain', value: fqdn.toLowerCase() });
    if (out.size >= MAX_OBSERVABLES) break;
  }
  return [...out.values()];
}

/**
 * Turns auto-incident intents into incidents inside the chunk's transaction: one incident per rule,
 * organization and UTC day (table pipeline_incidents), created on the first intent, then updated
 * (observables added, a timeline entry) by the following ones. Retried chunks roll back with the
 * incident work, so each event counts once.
 */
export function createIntentSink(deps: { incidents: Pick<Incidents, 'repo' | 'clocks'>; audit: AuditService }): IntentSink {
  const { repo, clocks } = deps.incidents;

  async function open(tx: Kysely<DB>, feed: FeedRow, intent: IncidentIntent, now: Date): Promise<string> {
    const tlp = TLP_ORDER.includes(feed.tlp) ? (feed.tlp as IncidentRow['tlp']) : 'amber';
    const row: IncidentRow = {
      id: randomUUID(), ref: await repo.nextRef(tx, now.getUTCFullYear()), title: intent.title.slice(0, 300),
      description: `Opened automatically by pipeline rule ${intent.ruleId} from feed ${feed.name}.`, state: 'new', severity: intent.severity,
      rsit_taxonomy: intent.taxonomy, rsit_type: intent.type, tlp, pap: 'amber', organization_id: intent.organizationId, cii_object: null,
      source: 'analyst', source_center_id: null, external_id: null, assignee_user_id: null, assignee_center_id: null, detected_at: now, started_at: null,
      aware_at: now, affected_systems: null, merged_into: null, version: 1, created_at: now, updated_at: now, closed_at: null,
    };
    await repo.insert(tx, row);
    await clocks.start(tx, row);
    await repo.appendTimeline(tx, { incident_id: row.id, at: now, actor_id: null, actor_label: 'pipeline', kind: 'created', data: { source: 'pipeline', ruleId: intent.ruleId, feed: feed.name, events: intent.events.length } });
    await deps.audit.append(tx, SYSTEM_ACTOR, { action: 'incident.auto_created', entityType: 'incident', entityId: row.id, after: { ...row, ruleId: intent.ruleId, feedId: feed.id } });
    return row.id;
  }

  return async (tx, feed, intents, now) => {
    const day = now.toISOString().slice(0, 10);
    for (const intent of intents) {
      const claimed = await sql<{ incident_id: string; events: number }>`
        insert into pipeline_incidents (rule_id, organization_id, day, incident_id, events)
        values (${intent.ruleId}, ${intent.organizationId}::uuid, ${day}::date, ${randomUUID()}::uuid, 0)
        on conflict (rule_id, organization_id, day) do update set events = pipeline_incidents.events
        returning incident_id, events`.execute(tx);
      const link = claimed.rows[0]!;
      let incidentId = link.incident_id;
      const isNew = link.events === 0 && !(await tx.selectFrom('incidents').select('id').where('id', '=', incidentId).executeTakeFirst());
      if (isNew) {
        const created = await open(tx, feed, intent, now);
        await tx.updateTable('pipeline_incidents').set({ incident_id: created }).where('rule_id', '=', intent.ruleId).where('organization_id', '=', intent.organizationId).where('day', '=', day).execute();
        incidentId = created;
      } else {
        await repo.appendTimeline(tx, { incident_id: incidentId, at: now, actor_id: null, actor_label: 'pipeline', kind: 'pipeline_events', data: { ruleId: intent.ruleId, feed: feed.name, events: intent.events.length } });
        await tx.updateTable('incidents').set({ updated_at: now }).where('id', '=', incidentId).execute();
      }
      await repo.addObservables(tx, incidentId, observablesOf(intent.events));
      await tx.updateTable('pipeline_incidents').set((eb) => ({ events: eb('events', '+', intent.events.length) })).where('rule_id', '=', intent.ruleId).where('organization_id', '=', intent.organizationId).where('day', '=', day).execute();
    }
  };
}
