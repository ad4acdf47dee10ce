import type { z } from 'zod';
import { validationFailed } from '../../platform/errors.ts';
import type { FeedFormat } from './pipeline.types.ts';
import { LocalConfig, PullConfig } from './feeds.schemas.ts';
import type { FeedKind } from './pipeline.tables.ts';

/** The schemas of the parts of a feed other stages own: the parser's (with `format`), rules and dedup. */
export type StageSchemas = {
  parser: z.ZodType;
  rules: z.ZodType;
  dedup: z.ZodType;
};

export type FeedParts = { kind: FeedKind; format: FeedFormat; config: unknown; parser: unknown; rules: unknown; dedup: unknown; scheduleSeconds: number | null };
export type ValidParts = { config: Record<string, unknown>; parser: unknown; rules: unknown; dedup: unknown; scheduleSeconds: number | null };

type Issue = { path: string; message: string };

function check(schema: z.ZodType, value: unknown, prefix: string, issues: Issue[]): unknown {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  for (const i of r.error.issues) issues.push({ path: [prefix, ...i.path.map(String)].join('.'), message: i.message });
  return undefined;
}

/**
 * Validates every configurable part of a feed against its owner's schema; 400 `validation.failed`
 * listing each issue with its full path (`parser.columns.2.field`, `config.url`, `rules.0.when`).
 * Returns the parsed values (defaults applied), which is what gets stored.
 */
export function validateFeedParts(parts: FeedParts, schemas: StageSchemas): ValidParts {
  const issues: Issue[] = [];
  const pulled = parts.kind === 'http' || parts.kind === 'misp';
  const config = check(pulled ? PullConfig : LocalConfig, parts.config, 'config', issues) as Record<string, unknown> | undefined;
  if (parts.kind === 'misp' && parts.format !== 'misp') issues.push({ path: 'format', message: 'a MISP feed carries the misp format' });
  if (pulled && parts.scheduleSeconds === null) issues.push({ path: 'scheduleSeconds', message: 'a pulled feed needs a schedule (seconds between runs, at least 60)' });
  if (!pulled && parts.scheduleSeconds !== null) issues.push({ path: 'scheduleSeconds', message: 'only http and misp feeds have a schedule' });
  const parserInput = parts.parser && typeof parts.parser === 'object' ? { ...parts.parser, format: parts.format } : parts.parser;
  const parser = check(schemas.parser, parserInput, 'parser', issues);
  const rules = check(schemas.rules, parts.rules, 'rules', issues);
  const dedup = check(schemas.dedup, parts.dedup, 'dedup', issues);
  if (issues.length) throw validationFailed(issues);
  return { config: config ?? {}, parser, rules, dedup, scheduleSeconds: parts.scheduleSeconds };
}
