import type { FeedFormat, ParsedChunk, RawChunk } from '../pipeline.types.ts';
import type { ChunkerOptions, ReportProblem } from './chunker.ts';

/** What a parser needs besides the chunk: the report's header (CSV) and when Vigil observed it. */
export type ParseContext = {
  /** The report's header line as the chunker found it (`ChunkerSummary.header`); CSV with a header row needs it. */
  header?: string | null | undefined;
  /** Becomes `time.observation`; `time.source` may not be later than this plus the feed's tolerance. */
  observedAt: Date;
};

/** A feed's parser: synchronous, stateless between chunks, so any worker can parse any chunk. */
export interface Parser {
  readonly format: FeedFormat;
  /** The chunker options the runtime must use for this feed's reports. */
  readonly chunking: ChunkerOptions;
  /** Checks the report's header before its chunks are queued (null when it fits; always null without a header row). */
  checkHeader(header: string | null | undefined): ReportProblem | null;
  /** Parses one chunk into events and line errors; throws an AppError (422) when the report as a whole cannot be parsed. */
  parseChunk(chunk: RawChunk, ctx: ParseContext): ParsedChunk;
}
