/**
 * The experts over one parsed chunk, synchronously and without I/O:
 *   rules (before enrichment) -> ASN/country -> constituency enrichment -> rules that read the
 *   enrichment -> dedup key -> auto-incident intents.
 * The database dedupe (dedup-db.ts) runs afterwards in the chunk's transaction; `keepNew` then
 * removes the duplicates from the result.
 */
import type { IncidentIntent, OrgInfo, ParsedChunk, ProcessedEvent } from '../pipeline.types.ts';
import { enrichAsn, type AsnTable } from '../asn/asn-expert.ts';
import { createDedupKeyer, DEFAULT_DEDUP_FIELDS, type DedupKeyer } from './dedup-key.ts';
import type { Enricher } from './enrich.ts';
import { collectIntents, compileIncidentRules, DEFAULT_INCIDENT_RULES, type CompiledIncidentRule } from './incident-rules.ts';
import { compileRules, feedRuleList, type CompiledRules } from './rules.ts';
import type { DedupConfigT, FeedRulesT } from './rules.schemas.ts';

/** What a feed's configuration compiles to; build once per feed version and reuse for every chunk. */
export type FeedExperts = {
  rules: CompiledRules;
  incidentRules: readonly CompiledIncidentRule[];
  dedupKey: DedupKeyer;
  dedupWindowMs: number;
};

export type ExpertsContext = FeedExperts & {
  /** Null when the constituency is not loaded: events get no owner. */
  enricher: Enricher | null;
  /** Null when no prefix table has been imported. */
  asn: AsnTable | null;
  orgs: ReadonlyMap<string, OrgInfo>;
};

export type BatchResult = { events: ProcessedEvent[]; dropped: number; intents: IncidentIntent[] };

/** The built-in auto-incident rules (unless `defaults: false`; a feed rule with the same id replaces one), then the feed's own. */
function feedIncidentRules(rules: FeedRulesT) {
  if (!rules.defaults) return rules.incidents;
  return [...DEFAULT_INCIDENT_RULES.filter((d) => !rules.incidents.some((r) => r.id === d.id)), ...rules.incidents];
}

/** Compiles a feed's validated rules and dedup settings; `namespace` scopes its dedup keys (e.g. the feed id, or '' for global). */
export function compileFeedExperts(rules: FeedRulesT, dedup: DedupConfigT, namespace = ''): FeedExperts {
  return {
    rules: compileRules(feedRuleList(rules)),
    incidentRules: compileIncidentRules(feedIncidentRules(rules)),
    dedupKey: createDedupKeyer(dedup.fields ?? DEFAULT_DEDUP_FIELDS, namespace),
    dedupWindowMs: dedup.windowHours * 3600_000,
  };
}

/** Runs the experts over a parsed chunk (events are enriched in place). */
export function processBatch(parsed: ParsedChunk, ctx: ExpertsContext): BatchResult {
  const { before, after } = ctx.rules;
  const out: ProcessedEvent[] = [];
  let dropped = 0;
  next: for (const pe of parsed.events) {
    const event = pe.event;
    for (let r = 0; r < before.length; r++) {
      if (!before[r]!(event, null)) {
        dropped++;
        continue next;
      }
    }
    if (ctx.asn !== null) enrichAsn(ctx.asn, event);
    const org = ctx.enricher === null ? null : ctx.enricher.enrich(event);
    for (let r = 0; r < after.length; r++) {
      if (!after[r]!(event, org)) {
        dropped++;
        continue next;
      }
    }
    out.push({ line: pe.line, event, organizationId: org === null ? null : org.id, dedupKey: ctx.dedupKey(event) });
  }
  const intents = ctx.incidentRules.length === 0 ? [] : collectIntents(ctx.incidentRules, out, ctx.orgs);
  return { events: out, dropped, intents };
}

/**
 * Keeps the events the deduplicator found new (isNew[i] for result.events[i]) and recomputes the
 * intents over them (an intent's events and count exclude duplicates). `duplicates` counts the others.
 */
export function keepNew(result: BatchResult, isNew: readonly boolean[], ctx: Pick<ExpertsContext, 'incidentRules' | 'orgs'>): BatchResult & { duplicates: number } {
  const events = result.events.filter((_, i) => isNew[i] === true);
  const intents = ctx.incidentRules.length === 0 ? [] : collectIntents(ctx.incidentRules, events, ctx.orgs);
  return { events, dropped: result.dropped, intents, duplicates: result.events.length - events.length };
}
