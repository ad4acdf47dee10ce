import type { FeedIdentity } from '../pipeline.types.ts';
import type { ParserConfig } from './config.schema.ts';
import { CsvParser } from './csv.parser.ts';
import { JsonlParser } from './jsonl.parser.ts';
import { ListParser } from './list.parser.ts';
import { MispParser } from './misp.parser.ts';
import type { Parser } from './parser.types.ts';
import { StixParser } from './stix.parser.ts';

/**
 * The parser of a configuration already validated (ParserConfigSchema's output, defaults applied).
 * Free of the schema library, so that a parse thread loads only what it runs; createParser
 * (parser.ts) validates first.
 */
export function parserOf(c: ParserConfig, feed: FeedIdentity): Parser {
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
