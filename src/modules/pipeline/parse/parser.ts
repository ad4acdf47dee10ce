import type { FeedIdentity } from '../pipeline.types.ts';
import { ParserConfigSchema, type ParserConfig, type ParserConfigInput } from './config.schema.ts';
import { CsvParser } from './csv.parser.ts';
import { JsonlParser } from './jsonl.parser.ts';
import { ListParser } from './list.parser.ts';
import { MispParser } from './misp.parser.ts';
import type { Parser } from './parser.types.ts';
import { StixParser } from './stix.parser.ts';

/**
 * Builds the parser of a feed. `config` is validated with ParserConfigSchema (a ZodError when it
 * is not valid: validate feeds with `validateParserConfig` when they are saved). The parser is
 * synchronous and keeps nothing between chunks but compiled plans, so build one per worker and feed.
 */
export function createParser(config: ParserConfig | ParserConfigInput, feed: FeedIdentity): Parser {
  const c = ParserConfigSchema.parse(config);
  switch (c.format) {
    case 'csv':
      return new CsvParser(c, feed);
    case 'jsonl':
    case 'intelmq':
      return new JsonlParser(c, feed);
    case 'list':
      return new ListParser(c, feed);
    case 'stix':
      return new StixParser(c, feed);
    case 'misp':
      return new MispParser(c, feed);
  }
}
