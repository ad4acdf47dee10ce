/**
 * Parsing stage of the event pipeline: chunking raw reports into whole lines, parsers for every
 * feed format, field validation and harmonization to IntelMQ names with RSIT classification.
 * Pure code, no database.
 */
export { LineChunker, chunkStream, type ChunkerOptions, type ChunkerSummary, type ReportProblem } from './chunker.ts';
export { createParser } from './parser.ts';
export type { ParseContext, Parser } from './parser.types.ts';
export {
  ParserConfigSchema,
  validateParserConfig,
  type ParserConfig,
  type ParserConfigInput,
  type CsvConfig,
  type JsonlConfig,
  type ListConfig,
  type IntelmqConfig,
  type StixConfig,
  type MispConfig,
} from './config.schema.ts';
export { FIELD_TYPES, isKnownField, type FieldType } from './fields.ts';
export { classify, rsitType, isRsitTaxonomy, RSIT_TYPES } from '../../../platform/rsit.ts';
export { normalizeTlp, validateIp, validatorFor } from './validate.ts';
export { Invalid } from './invalid.ts';
export { createTimeParser, formatTime } from './timestamp.ts';
export { parseDeclaredZone, parseZone } from './zone.ts';
export { flattenEvent } from './json-record.ts';
export { shippedMappings, shippedMapping } from '../mappings/index.ts';
