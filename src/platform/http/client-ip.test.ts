import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createClientIp, isCidr } from './client-ip.ts';

/** What `createClientIp(trusted)` answers for a request from `peer` with these headers. */
async function seen(trusted: string[], peer: string, xff?: string): Promise<string> {
  const ip = createClientIp(trusted);
  const app = new Hono().get('/', (c) => c.text(ip(c)));
  const res = await app.request('/', { headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }, { incoming: { socket: { remoteAddress: peer } } });
  return res.text();
}

describe('client address behind reverse proxies', () => {
  it('uses the socket peer and ignores X-Forwarded-For when no proxy is trusted (the default)', async () => {
    expect(await seen([], '203.0.113.7', '198.51.100.1')).toBe('203.0.113.7');
    expect(loadConfig({}).trustedProxies).toEqual([]);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    expect(await seen(['10.0.0.0/8'], '203.0.113.7', '198.51.100.1')).toBe('203.0.113.7');
  });

  it('takes the right-most address that is not a trusted proxy', async () => {
    expect(await seen(['10.0.0.0/8'], '10.0.0.2', '198.51.100.1')).toBe('198.51.100.1');
    // the client wrote a fake first entry; our two proxies appended what they saw
    expect(await seen(['10.0.0.0/8', '192.0.2.10'], '10.0.0.2', '1.2.3.4, 198.51.100.1, 192.0.2.10')).toBe('198.51.100.1');
    expect(await seen(['2001:db8:ffff::/48'], '2001:db8:ffff::1', '2001:db8:1::5')).toBe('2001:db8:1::5');
    expect(await seen(['10.0.0.0/8'], '::ffff:10.0.0.2', '::ffff:198.51.100.9')).toBe('198.51.100.9');
  });

  it('falls back to the last trusted hop when the header is missing, all trusted, or malformed', async () => {
    expect(await seen(['10.0.0.0/8'], '10.0.0.2')).toBe('10.0.0.2');
    expect(await seen(['10.0.0.0/8'], '10.0.0.2', '10.1.1.1, 10.0.0.3')).toBe('10.1.1.1');
    expect(await seen(['10.0.0.0/8'], '10.0.0.2', 'nonsense, 10.0.0.3')).toBe('10.0.0.3');
  });

  it('validates VIGIL_TRUSTED_PROXIES at start', () => {
    expect(loadConfig({ VIGIL_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.10 2001:db8::/32' }).trustedProxies).toEqual(['10.0.0.0/8', '192.0.2.10', '2001:db8::/32']);
    expect(() => loadConfig({ VIGIL_TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/VIGIL_TRUSTED_PROXIES/);
    expect(() => loadConfig({ VIGIL_TRUSTED_PROXIES: 'proxy.example' })).toThrow(/VIGIL_TRUSTED_PROXIES/);
    expect(isCidr('::/0')).toBe(true);
    expect(isCidr('10.0.0.1/8/1')).toBe(false);
  });
});
