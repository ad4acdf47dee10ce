import type { FeedIdentity } from '../pipeline.types.ts';
import { ParserConfigSchema, type ParserConfig, type ParserConfigInput } from './config.schema.ts';
import { parserOf } from './parser-of.ts';
import type { Parser } from './parser.types.ts';

/**
 * Builds the parser of a feed. `config` is validated with ParserConfigSchema (a ZodError when it
 * is not valid: validate feeds with `validateParserConfig` when they are saved). The parser is
 * synchronous and keeps nothing between chunks but compiled plans, so build one per worker and feed.
 */
export function createParser(config: ParserConfig | ParserConfigInput, feed: FeedIdentity): Parser {
  return parserOf(ParserConfigSchema.parse(config), feed);
}
