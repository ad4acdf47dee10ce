/**
 * Bulk load of events, the encoding: one binary COPY stream per chunk (events-sink.ts sends it to
 * either engine). Parse threads encode with it, so it imports no package (chunk.worker.imports.test.ts).
 *
 * Binary COPY skips the text parsing of every uuid, inet, timestamp and integer inside PGlite
 * (WASM), which was ~40% of the load's cost per row compared with COPY text (measured, 40k lean
 * rows); values are written here in PostgreSQL's wire format, which needs no escaping at all.
 * Constant values of a chunk (time_observation, feed_id, report_id) are encoded once.
 */
import { ADDRESS_WORDS } from '../asn/ip-memo.ts';
import { CopyWriter, uuidBytes } from '../../../platform/db/copy-binary.ts';
import type { ProcessedEvent } from '../pipeline.types.ts';
import { newLeanRow, splitEvent, type FeedStamp } from './event-rows.ts';

export const EVENT_COLUMNS = 'time_observation, time_source, feed_id, report_id, line_no, organization_id, classification_taxonomy, classification_type, source_ip, source_port, source_asn, source_fqdn, source_url, source_cc, tlp, dedup_key, data';
const FIELDS = 17;
export type CopyContext = { feedId: string; reportId: string; feed: FeedStamp; now: Date };

/** Encodes the events of a chunk as one binary COPY stream. */
export function encodeEvents(events: readonly ProcessedEvent[], ctx: CopyContext, observed: string): Buffer {
  const w = new CopyWriter(events.length * 400);
  const enc = rowEncoder(ctx, observed);
  for (const p of events) enc(w, p);
  return w.end();
}

/** Writes one event as a row of the chunk's COPY stream (constant values encoded once per chunk). */
export function rowEncoder(ctx: CopyContext, observed: string): (w: CopyWriter, p: ProcessedEvent) => void {
  const feed = uuidBytes(ctx.feedId);
  const report = uuidBytes(ctx.reportId);
  const nowMs = ctx.now.getTime();
  const row = newLeanRow();
  return (w, p) => {
    splitEvent(p, ctx.feed, observed, row);
    w.i16(FIELDS);
    w.time(nowMs);
    if (Number.isNaN(row.timeSourceMs)) w.nul();
    else w.time(row.timeSourceMs);
    w.bytes(feed);
    w.bytes(report);
    w.int4(p.line);
    if (p.organizationId === null) w.nul();
    else if (!w.uuid(p.organizationId)) throw new Error(`organization id ${p.organizationId} is not a uuid`);
    w.text(row.taxonomy);
    w.text(row.type);
    writeAddress(w, row.ip, row.ipv4);
    if (row.port === null) w.nul();
    else w.int4(row.port);
    if (row.asn === null) w.nul();
    else w.int8(row.asn);
    w.textOrNull(row.fqdn);
    w.textOrNull(row.url);
    w.textOrNull(row.cc);
    w.text(row.tlp);
    w.text(p.dedupKey);
    w.text(row.data);
  };
}

function writeAddress(w: CopyWriter, ip: string | null, ipv4: number): void {
  if (ip === null) w.nul();
  else if (ipv4 >= 0) w.inet(ipv4, null);
  else w.inet(0, ADDRESS_WORDS); // IPv6, parsed by splitEvent just before
}
