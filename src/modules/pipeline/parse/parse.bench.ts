/**
 * Parser throughput: `node src/modules/pipeline/parse/parse.bench.ts [lines]`. Generates a
 * 10-column scan report (CSV, shipped Shadowserver-style mapping) and the same events as JSON
 * Lines (IntelMQ names), chunks them at the chunker default (1 MiB) and prints lines/s of parsing alone (wall and CPU).
 */
import { shippedMapping } from '../mappings/index.ts';
import { LineChunker } from './chunker.ts';
import { createParser } from './parser.ts';

const N = Number(process.argv[2] ?? 500_000);
const observedAt = new Date('2024-06-01T00:00:00Z');

function csvReport(): Buffer {
  const rows = ['timestamp,ip,protocol,port,hostname,tag,asn,geo,region,city'];
  for (let i = 0; i < N; i++) {
    rows.push(`2024-05-01 0${(i >> 16) % 10}:${String((i >> 10) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},198.18.${(i >> 8) & 255}.${i & 255},tcp,${1 + (i % 5000)},host${i}.example.org,ssh,${64500 + (i % 10)},DE,Bayern,Munich`);
  }
  return Buffer.from(`${rows.join('\n')}\n`);
}

function jsonlReport(): Buffer {
  const rows: string[] = [];
  for (let i = 0; i < N; i++) {
    rows.push(JSON.stringify({ 'time.source': '2024-05-01T00:00:00+00:00', 'source.ip': `198.18.${(i >> 8) & 255}.${i & 255}`, 'source.port': 1 + (i % 5000), 'protocol.transport': 'tcp', 'source.asn': 64500, 'source.geolocation.cc': 'DE', 'classification.type': 'vulnerable-system' }));
  }
  return Buffer.from(`${rows.join('\n')}\n`);
}

function measure(name: string, config: Parameters<typeof createParser>[0], data: Buffer): void {
  const parser = createParser(config, { name: 'bench' });
  const chunker = new LineChunker(parser.chunking);
  const chunks = [...chunker.push(data), ...chunker.end()];
  const header = chunker.summary().header;
  for (let round = 0; round < 3; round++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let events = 0;
    for (const chunk of chunks) events += parser.parseChunk(chunk, { header, observedAt }).events.length;
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    console.log(`${name}: ${events} events, ${Math.round(events / wall)} lines/s wall, ${Math.round(events / ((cpu.user + cpu.system) / 1e6))} lines/s per CPU second`);
  }
}

measure('csv (shadowserver-scan mapping)', shippedMapping('shadowserver-scan')!.parser, csvReport());
measure('intelmq jsonl', { format: 'intelmq' }, jsonlReport());
if (process.argv[3] === '--no-raw') measure('csv, raw off', { ...shippedMapping('shadowserver-scan')!.parser, raw: false } as Parameters<typeof createParser>[0], csvReport());
