/**
 * Filter / rewrite rules compiled to closures. Rules that read the enrichment result
 * (`organization.*`) run after enrichment; the others run before it, so a dropped event is never
 * enriched. Within each stage rules run in the order given.
 */
import type { EventValue, HarmonizedEvent, OrgInfo } from '../pipeline.types.ts';
import { compileCondition, needsOrganization } from './conditions.ts';
import { DEFAULT_RULES } from './default-rules.ts';
import { taxonomyOf } from '../../../platform/rsit.ts';
import type { ActionT, FeedRulesT, RuleT } from './rules.schemas.ts';

/** A compiled rule: applies its actions to the event; false when the event is dropped. */
export type RuleFn = (event: HarmonizedEvent, org: OrgInfo | null) => boolean;
export type CompiledRules = { before: readonly RuleFn[]; after: readonly RuleFn[] };

function setField(event: HarmonizedEvent, field: string, value: EventValue): void {
  event[field] = value;
  if (field === 'classification.type' && typeof value === 'string') {
    const taxonomy = taxonomyOf(value);
    if (taxonomy !== undefined) event['classification.taxonomy'] = taxonomy;
  }
}

/** An action as a closure; false means drop. */
function compileAction(a: ActionT): (event: HarmonizedEvent) => boolean {
  switch (a.action) {
    case 'drop':
      return () => false;
    case 'set':
      return (e) => {
        setField(e, a.field, a.value);
        return true;
      };
    case 'tlp':
      return (e) => {
        e.tlp = a.value;
        return true;
      };
    case 'map': {
      const table = new Map<string, EventValue>(Object.entries(a.table).map(([k, v]) => [a.ignoreCase ? k.toLowerCase() : k, v]));
      return (e) => {
        const v = e[a.from];
        const key = v === undefined ? undefined : typeof v === 'string' ? v : String(v);
        const mapped = (key === undefined ? undefined : table.get(a.ignoreCase ? key.toLowerCase() : key)) ?? a.default;
        if (mapped !== undefined) setField(e, a.to, mapped);
        return true;
      };
    }
  }
}

function compileRule(rule: RuleT): RuleFn {
  const test = rule.when === undefined ? null : compileCondition(rule.when);
  const actions = rule.then.map(compileAction);
  return (event, org) => {
    if (test !== null && !test(event, org)) return true;
    for (let i = 0; i < actions.length; i++) if (!actions[i]!(event)) return false;
    return true;
  };
}

/** Compiles rules (validated) into the before- and after-enrichment stages. */
export function compileRules(rules: readonly RuleT[]): CompiledRules {
  const before: RuleFn[] = [];
  const after: RuleFn[] = [];
  for (const rule of rules) (needsOrganization(rule.when) ? after : before).push(compileRule(rule));
  return { before, after };
}

/** The rules a feed runs: the built-in defaults (unless turned off), then its own. */
export function feedRuleList(config: FeedRulesT): RuleT[] {
  return config.defaults ? [...DEFAULT_RULES, ...config.rules] : [...config.rules];
}
