import { describe, expect, it } from 'vitest';
import { ParserConfigSchema } from './config.schema.ts';
import { createTimeParser } from './timestamp.ts';
import { isIanaZone, parseDeclaredZone } from './zone.ts';

const iso = (ms: number | unknown) => (typeof ms === 'number' ? new Date(ms).toISOString() : ms);

describe('declared time zones', () => {
  it('takes UTC, fixed offsets and IANA zones, and refuses anything else', () => {
    expect(parseDeclaredZone('UTC')).toBe(0);
    expect(parseDeclaredZone('+03:00')).toBe(180);
    expect(typeof parseDeclaredZone('Europe/Amsterdam')).toBe('function');
    expect(typeof parseDeclaredZone('America/Argentina/Buenos_Aires')).toBe('function');
    for (const bad of ['Mars/Olympus', 'Europe/', '../etc/passwd', '+25:00', '']) expect(parseDeclaredZone(bad)).toBeNull();
    expect(isIanaZone('Asia/Kolkata')).toBe(true);
  });

  it('follows daylight saving time: summer and winter, the fall-back hour read as its first pass, the spring gap after the change', () => {
    const p = createTimeParser({ format: '%Y-%m-%d %H:%M:%S', zone: 'Europe/Amsterdam' });
    expect(iso(p('2025-07-01 12:00:00'))).toBe('2025-07-01T10:00:00.000Z');
    expect(iso(p('2025-01-15 12:00:00'))).toBe('2025-01-15T11:00:00.000Z');
    // 2025-10-26 02:30 happens twice in Amsterdam (CEST, then CET): the first, 00:30Z.
    expect(iso(p('2025-10-26 02:30:00'))).toBe('2025-10-26T00:30:00.000Z');
    expect(iso(p('2025-10-26 03:30:00'))).toBe('2025-10-26T02:30:00.000Z');
    expect(iso(p('2025-10-26 01:59:59'))).toBe('2025-10-25T23:59:59.000Z');
    // 2025-03-30 02:30 never happens (02:00 CET -> 03:00 CEST): read with CET, 01:30Z.
    expect(iso(p('2025-03-30 02:30:00'))).toBe('2025-03-30T01:30:00.000Z');
    expect(iso(p('2025-03-30 03:00:00'))).toBe('2025-03-30T01:00:00.000Z');
    // Half-hour zones and the southern hemisphere.
    expect(iso(createTimeParser({ zone: 'Asia/Kolkata' })('2025-06-01T12:00:00'))).toBe('2025-06-01T06:30:00.000Z');
    expect(iso(createTimeParser({ zone: 'Australia/Sydney' })('2025-01-10T12:00:00'))).toBe('2025-01-10T01:00:00.000Z');
    expect(iso(createTimeParser({ zone: 'Australia/Sydney' })('2025-07-10T12:00:00'))).toBe('2025-07-10T02:00:00.000Z');
    // A value with its own zone keeps it.
    expect(iso(p('2025-07-01 12:00:00'))).toBe('2025-07-01T10:00:00.000Z');
    expect(iso(createTimeParser({ zone: 'Europe/Amsterdam' })('2025-07-01T12:00:00Z'))).toBe('2025-07-01T12:00:00.000Z');
  });

  it('is validated in the feed configuration with a clear message', () => {
    const ok = ParserConfigSchema.safeParse({ format: 'csv', mapping: { ip: 'source.ip' }, time: { zone: 'Europe/Amsterdam' } });
    expect(ok.success).toBe(true);
    const bad = ParserConfigSchema.safeParse({ format: 'csv', mapping: { ip: 'source.ip' }, time: { zone: 'Europe/Atlantis' } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('IANA zone such as Europe/Amsterdam');
  });
});
