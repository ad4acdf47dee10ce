/** The pipeline's experts: rules, enrichment, ASN, deduplication, auto-incident rules, processBatch. */
export { compileCondition, needsOrganization, type EventTest } from './conditions.ts';
export { createDedupKeyer, DEFAULT_DEDUP_FIELDS, type DedupKeyer } from './dedup-key.ts';
export { DEFAULT_DEDUP_WINDOW_MS, MemoryDeduplicator, type Deduplicator, type MemoryDedupOptions } from './dedup.ts';
export { createDbDeduplicator, dedupPurgeTask, purgeExpiredDedupKeys } from './dedup-db.ts';
export { DEFAULT_RULES, NON_PUBLIC_PREFIXES } from './default-rules.ts';
export { createEnricher, hostOfUrl, type Enricher } from './enrich.ts';
export { collectIntents, compileIncidentRules, DEFAULT_INCIDENT_RULES, renderTitle, type CompiledIncidentRule } from './incident-rules.ts';
export { createOrgInfoCache, createOrgsRepository, type OrgsRepository } from './orgs.repository.ts';
export { compileFeedExperts, keepNew, processBatch, type BatchResult, type ExpertsContext, type FeedExperts } from './process-batch.ts';
export { RSIT_TYPES, taxonomyOf } from '../../../platform/rsit.ts';
export { compileRules, feedRuleList, type CompiledRules, type RuleFn } from './rules.ts';
export { Action, Condition, DedupConfig, FeedRules, IncidentRule, ORGANIZATION_FIELDS, parseFeedRules, Rule, TLP_LEVELS } from './rules.schemas.ts';
export type { ActionT, ConditionT, DedupConfigT, FeedRulesT, IncidentRuleT, RuleT } from './rules.schemas.ts';
