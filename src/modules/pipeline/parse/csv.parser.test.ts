import { describe, expect, it } from 'vitest';
import type { ParserConfigInput } from './config.schema.ts';
import { createParser } from './parser.ts';
import { FEED, OBSERVED, chunkAll, parseAll } from './test-helpers.ts';

const SCAN: ParserConfigInput = {
  format: 'csv',
  time: { format: 'iso8601', zone: 'UTC' },
  mapping: { timestamp: 'time.source', ip: 'source.ip', port: 'source.port', tag: 'extra.tag', note: { field: 'event_description.text', optional: true } },
  constants: { 'classification.type': 'vulnerable-system' },
};

describe('CSV parser', () => {
  it('maps columns to harmonized fields, stamps feed, observation, classification, TLP and raw', () => {
    const r = parseAll({ ...SCAN, raw: true }, 'timestamp,ip,port,tag\n2024-05-01 01:02:03,198.18.0.1,22,ssh\n');
    expect(r.errors).toEqual([]);
    expect(r.events).toEqual([
      {
        line: 2,
        event: {
          'time.source': '2024-05-01T01:02:03+00:00',
          'source.ip': '198.18.0.1',
          'source.port': 22,
          'extra.tag': 'ssh',
          'classification.type': 'vulnerable-system',
          'classification.taxonomy': 'vulnerable',
          tlp: 'AMBER',
          'feed.name': 'test-feed',
          'feed.provider': 'Test Provider',
          'time.observation': '2024-06-01T00:00:00+00:00',
          raw: Buffer.from('2024-05-01 01:02:03,198.18.0.1,22,ssh').toString('base64'),
        },
      },
    ]);
  });

  it('reads quoted fields with embedded delimiters, doubled quotes and CRLF', () => {
    const r = parseAll(SCAN, 'timestamp,ip,port,tag,note\r\n"2024-05-01T01:02:03Z","198.18.0.1","22","a,b","say ""hi"", ok"\r\n');
    expect(r.errors).toEqual([]);
    expect(r.events[0]?.event['extra.tag']).toBe('a,b');
    expect(r.events[0]?.event['event_description.text']).toBe('say "hi", ok');
  });

  it('rejects 999.1.1.1 with field.invalid_ip and normalizes ::ffff:1.2.3.4; the rest goes on', () => {
    const r = parseAll(SCAN, 'timestamp,ip,port,tag\n2024-05-01 00:00:00,999.1.1.1,22,x\n2024-05-01 00:00:00,::ffff:1.2.3.4,22,x\n2024-05-01 00:00:00,2001:DB8:0::1,70000,x\n');
    expect(r.errors.map((e) => [e.line, e.code, e.field])).toEqual([
      [2, 'field.invalid_ip', 'source.ip'],
      [4, 'field.invalid_port', 'source.port'],
    ]);
    expect(r.errors[0]?.excerpt).toBe('2024-05-01 00:00:00,999.1.1.1,22,x');
    expect(r.events.map((e) => e.event['source.ip'])).toEqual(['1.2.3.4']);
  });

  it('rejects a time without zone (time.no_zone) unless the mapping declares one, and future times (time.future)', () => {
    const noZone = { ...SCAN, time: { format: 'iso8601' } };
    const r = parseAll(noZone, 'timestamp,ip,port,tag\n2024-05-01 00:00:00,198.18.0.1,22,x\n2024-05-01T00:00:00+02:00,198.18.0.1,22,x\n');
    expect(r.errors.map((e) => [e.line, e.code, e.field])).toEqual([[2, 'time.no_zone', 'time.source']]);
    expect(r.events[0]?.event['time.source']).toBe('2024-04-30T22:00:00+00:00');
    const f = parseAll(SCAN, 'timestamp,ip,port,tag\n2024-06-01 00:59:59,198.18.0.1,22,x\n2024-06-01 01:00:01,198.18.0.1,22,x\n');
    expect(f.errors.map((e) => [e.line, e.code])).toEqual([[3, 'time.future']]);
    const tolerant = parseAll({ ...SCAN, futureToleranceSeconds: 7200 }, 'timestamp,ip,port,tag\n2024-06-01 01:00:01,198.18.0.1,22,x\n');
    expect(tolerant.errors).toEqual([]);
  });

  it('parses custom time patterns and epochs', () => {
    const custom = { ...SCAN, time: { format: '%d/%b/%Y:%H:%M:%S %z' } };
    const r = parseAll(custom, 'timestamp,ip,port,tag\n01/May/2024:10:00:00 +0200,198.18.0.1,22,x\n');
    expect(r.events[0]?.event['time.source']).toBe('2024-05-01T08:00:00+00:00');
    const epoch = parseAll({ ...SCAN, time: { format: 'epoch' } }, 'timestamp,ip,port,tag\n1714521600,198.18.0.1,22,x\n');
    expect(epoch.events[0]?.event['time.source']).toBe('2024-05-01T00:00:00+00:00');
  });

  it('answers a wrong delimiter with csv.header_mismatch and a hint naming the right one', () => {
    const parser = createParser(SCAN, FEED);
    const input = 'timestamp;ip;port;tag\n2024-05-01 00:00:00;198.18.0.1;22;x\n';
    const { chunks, summary } = chunkAll(input, parser.chunking);
    expect(parser.checkHeader(summary.header)).toEqual({
      code: 'csv.header_mismatch',
      message: expect.stringContaining('"timestamp", "ip", "port", "tag"'),
      hint: expect.stringContaining('"delimiter": ";"'),
    });
    expect(() => parser.parseChunk(chunks[0]!, { header: summary.header, observedAt: OBSERVED })).toThrow(expect.objectContaining({ code: 'csv.header_mismatch', status: 422 }));
    expect(parseAll({ ...SCAN, delimiter: ';' }, input).events).toHaveLength(1);
  });

  it('answers a header lacking a mapped column, and a missing header, with csv.header_mismatch', () => {
    const parser = createParser(SCAN, FEED);
    expect(parser.checkHeader('timestamp,ip,tag')?.code).toBe('csv.header_mismatch');
    expect(parser.checkHeader('timestamp,ip,tag')?.message).toContain('"port"');
    expect(parser.checkHeader(null)?.code).toBe('csv.header_mismatch');
    expect(parser.checkHeader(' Timestamp ,IP,Port,Tag,other')).toBeNull();
  });

  it('reads files without a header row from the configured columns', () => {
    const cfg: ParserConfigInput = { format: 'csv', header: false, columns: ['ip', 'what'], mapping: { ip: 'source.ip', what: 'classification.type' } };
    const r = parseAll(cfg, '198.18.0.1,malware\n198.18.0.2,nonsense\n');
    expect(r.events[0]?.event).toMatchObject({ 'classification.taxonomy': 'malicious-code', 'classification.type': 'infected-system' });
    expect(r.errors.map((e) => [e.line, e.code, e.field])).toEqual([[2, 'field.invalid_type', 'classification.type']]);
  });

  it('gives a cut last record (unbalanced quote, too few fields) a clean line error', () => {
    const r = parseAll(SCAN, 'timestamp,ip,port,tag\n2024-05-01 00:00:00,198.18.0.1,22,x\n2024-05-01 00:00:00,198.18.0.2,22,"ss');
    expect(r.events).toHaveLength(1);
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([[3, 'csv.unbalanced_quote']]);
    const short = parseAll(SCAN, 'timestamp,ip,port,tag\n2024-05-01 00:00:00,198.18.0.1');
    expect(short.errors.map((e) => [e.line, e.code])).toEqual([[2, 'csv.field_count']]);
  });

  it('maps values (tag -> classification.type) with a default', () => {
    const cfg: ParserConfigInput = {
      ...SCAN,
      mapping: { ...(SCAN as { mapping: object }).mapping, tag: { field: 'classification.type', map: { openresolver: 'ddos-amplifier' }, default: 'vulnerable-system' } },
    };
    const r = parseAll(cfg, 'timestamp,ip,port,tag\n2024-05-01 00:00:00,198.18.0.1,53,OpenResolver\n2024-05-01 00:00:00,198.18.0.1,22,ssh\n');
    expect(r.events.map((e) => e.event['classification.type'])).toEqual(['ddos-amplifier', 'vulnerable-system']);
  });

  it('omits raw by default and when the feed turns it off (the stored report and line number give it back)', () => {
    const input = 'timestamp,ip,port,tag\n2024-05-01 00:00:00,198.18.0.1,22,x\n';
    expect(parseAll(SCAN, input).events[0]?.event.raw).toBeUndefined();
    expect(parseAll({ ...SCAN, raw: false }, input).events[0]?.event.raw).toBeUndefined();
    expect(parseAll({ ...SCAN, raw: true }, input).events[0]?.event.raw).toBe(Buffer.from('2024-05-01 00:00:00,198.18.0.1,22,x').toString('base64'));
  });

  it('reads fixed-width pattern times by offset and other widths through the pattern', () => {
    const cfg: ParserConfigInput = { ...SCAN, time: { format: '%Y-%m-%d %H:%M:%S', zone: 'UTC' } };
    const r = parseAll(cfg, 'timestamp,ip,port,tag\n2024-05-01 01:02:03,198.18.0.1,22,x\n2024-5-1 1:02:03,198.18.0.1,22,x\n2024-05-01T01:02:03,198.18.0.1,22,x\n2024-05-0a 01:02:03,198.18.0.1,22,x\n2024-02-30 01:02:03,198.18.0.1,22,x\n');
    expect(r.events.map((e) => [e.line, e.event['time.source']])).toEqual([
      [2, '2024-05-01T01:02:03+00:00'],
      [3, '2024-05-01T01:02:03+00:00'],
    ]);
    expect(r.errors.map((e) => [e.line, e.code, e.field])).toEqual([
      [4, 'time.invalid', 'time.source'],
      [5, 'time.invalid', 'time.source'],
      [6, 'time.invalid', 'time.source'],
    ]);
  });

  it('gives the same events and errors chunked at 1 KiB and at 4 MiB', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `2024-05-01 00:00:${String(i % 60).padStart(2, '0')},${i % 97 === 0 ? '999.1.1.1' : `198.18.${i >> 8}.${i & 255}`},${i % 65536},"t,${i}"`);
    const input = `timestamp,ip,port,tag\n${rows.join('\n')}\n`;
    const small = parseAll(SCAN, input, { chunkBytes: 1024 });
    const large = parseAll(SCAN, input, { chunkBytes: 4 * 1024 * 1024 });
    expect(small.events.length).toBe(3000 - 31);
    expect(small).toEqual(large);
  });
});
