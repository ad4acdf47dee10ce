/**
 * Auto-incident rules: events that match a rule's condition and have an owner become one
 * IncidentIntent per (rule, organization) per batch. The runtime opens or updates the incident.
 */
import type { IncidentIntent, OrgInfo, ProcessedEvent } from '../pipeline.types.ts';
import { compileCondition, type EventTest } from './conditions.ts';
import { taxonomyOf } from '../../../platform/rsit.ts';
import type { IncidentRuleT } from './rules.schemas.ts';

export type CompiledIncidentRule = { rule: IncidentRuleT; taxonomy: string; test: EventTest };

/** The built-in example: a CII organization with a compromised or infected host, or a C2 server. */
export const DEFAULT_INCIDENT_RULES: readonly IncidentRuleT[] = [
  {
    id: 'default.cii-compromised-host',
    when: {
      op: 'all',
      of: [
        { op: 'eq', field: 'organization.isCii', value: true },
        { op: 'in', field: 'classification.type', values: ['infected-system', 'system-compromise', 'c2-server'] },
      ],
    },
    severity: 'high',
    type: 'system-compromise',
    title: '{organization}: {count} compromised host(s) reported by {feed.name} ({classification.type})',
  },
];

/** Compiles validated incident rules. */
export function compileIncidentRules(rules: readonly IncidentRuleT[]): CompiledIncidentRule[] {
  return rules.map((rule) => ({ rule, taxonomy: taxonomyOf(rule.type) ?? 'other', test: compileCondition(rule.when) }));
}

const PLACEHOLDER = /\{([A-Za-z0-9_.-]+)\}/g;

/** Renders a title template for an intent: {organization}, {sector}, {count}, {rule} or a field of the first event. */
export function renderTitle(template: string, org: OrgInfo, rule: string, events: readonly ProcessedEvent[]): string {
  const first = events[0]?.event ?? {};
  const title = template.replace(PLACEHOLDER, (whole, name: string) => {
    if (name === 'organization') return org.name;
    if (name === 'sector') return org.sector;
    if (name === 'count') return String(events.length);
    if (name === 'rule') return rule;
    const v = first[name];
    return v === undefined ? whole : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
  return title.length > 300 ? `${title.slice(0, 299)}…` : title;
}

/** Groups the matching events of a batch into intents, in rule order then first-seen organization order. */
export function collectIntents(rules: readonly CompiledIncidentRule[], events: readonly ProcessedEvent[], orgs: ReadonlyMap<string, OrgInfo>): IncidentIntent[] {
  const intents: IncidentIntent[] = [];
  for (const { rule, taxonomy, test } of rules) {
    const byOrg = new Map<string, ProcessedEvent[]>();
    for (const pe of events) {
      if (pe.organizationId === null) continue;
      const org = orgs.get(pe.organizationId) ?? null;
      if (org === null || !test(pe.event, org)) continue;
      const list = byOrg.get(org.id);
      if (list) list.push(pe);
      else byOrg.set(org.id, [pe]);
    }
    for (const [orgId, list] of byOrg) {
      const org = orgs.get(orgId)!;
      intents.push({
        ruleId: rule.id,
        organizationId: orgId,
        severity: rule.severity,
        taxonomy,
        type: rule.type,
        title: renderTitle(rule.title, org, rule.id, list),
        events: list.map((pe) => ({ line: pe.line, event: pe.event })),
      });
    }
  }
  return intents;
}
