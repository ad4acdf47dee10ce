import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.ts';
import { guardedGet, readAll, type FetchOptions } from './fetch.ts';
import { assertPublicUrl, forbiddenReason } from './ssrf.ts';

const closed = { allowPrivate: false };
const open = { allowPrivate: true };
const base = (over: Partial<FetchOptions> = {}): FetchOptions => ({ timeoutMs: 5000, idleTimeoutMs: 2000, maxRedirects: 3, policy: open, ...over });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (err) {
    return err instanceof AppError ? err.code : `not an AppError: ${String(err)}`;
  }
}

describe('SSRF guard', () => {
  it.each([
    ['127.0.0.1'], ['10.1.2.3'], ['172.16.0.1'], ['192.168.1.1'], ['169.254.169.254'], ['100.64.0.1'], ['0.0.0.0'], ['224.0.0.1'],
    ['::1'], ['::'], ['fd00:ec2::254'], ['fe80::1'], ['ff02::1'], ['::ffff:10.0.0.1'], ['::ffff:127.0.0.1'], ['64:ff9b::a9fe:a9fe'], ['2002:7f00:1::'],
  ])('refuses %s', (ip) => {
    expect(forbiddenReason(ip)).not.toBeNull();
  });

  it.each([['8.8.8.8'], ['193.0.6.139'], ['2a00:1450:4001::1'], ['::ffff:8.8.8.8']])('allows the public address %s', (ip) => {
    expect(forbiddenReason(ip)).toBeNull();
  });

  it.each([['http://127.0.0.1/feed'], ['http://10.0.0.8/x'], ['http://169.254.169.254/latest/meta-data/'], ['http://[::1]:8080/'], ['http://[fd00:ec2::254]/'], ['http://localhost/x']])(
    'refuses the feed URL %s with feed.url_forbidden',
    async (url) => {
      expect(await codeOf(assertPublicUrl(url, closed))).toBe('feed.url_forbidden');
    },
  );

  it('lets a lab pull from loopback when private feeds are allowed', async () => {
    expect(await codeOf(assertPublicUrl('http://127.0.0.1/feed', open))).toBe('no error');
  });
});

describe('guarded GET', () => {
  let server: http.Server;
  let url = '';
  const hits: Record<string, number> = {};

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits[req.url ?? ''] = (hits[req.url ?? ''] ?? 0) + 1;
      if (req.url === '/never') return; // accepts the request, never answers
      if (req.url === '/etag') {
        if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
        return void res.writeHead(200, { etag: '"v1"', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' }).end('1.2.3.4\n');
      }
      if (req.url === '/to-metadata') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (req.url === '/to-etag') return void res.writeHead(301, { location: '/etag' }).end();
      if (req.url === '/stall') {
        res.writeHead(200);
        res.write('first line\n'); // then silence
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('refuses loopback when private feeds are not allowed (literal and by name)', async () => {
    expect(await codeOf(guardedGet(`${url}/etag`, base({ policy: closed })))).toBe('feed.url_forbidden');
    const port = new URL(url).port;
    expect(await codeOf(guardedGet(`http://localhost:${port}/etag`, base({ policy: closed })))).toBe('feed.url_forbidden');
  });

  it('times out on a server that never answers (collect.timeout, no hang)', async () => {
    const started = Date.now();
    expect(await codeOf(guardedGet(`${url}/never`, base({ idleTimeoutMs: 300 })))).toBe('collect.timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('times out a body that stalls midway, under the total timeout too', async () => {
    const got = await guardedGet(`${url}/stall`, base({ idleTimeoutMs: 5000, timeoutMs: 400 }));
    expect(got.status).toBe('ok');
    if (got.status === 'ok') expect(await codeOf(readAll(got.body, 1e6, 'body'))).toBe('collect.timeout');
  });

  it('sends the stored validators and understands 304', async () => {
    const first = await guardedGet(`${url}/etag`, base());
    expect(first.status).toBe('ok');
    if (first.status !== 'ok') return;
    expect(first.etag).toBe('"v1"');
    expect((await readAll(first.body, 1e6, 'body')).toString()).toBe('1.2.3.4\n');
    const second = await guardedGet(`${url}/etag`, base({ etag: first.etag, lastModified: first.lastModified }));
    expect(second.status).toBe('not_modified');
  });

  it('follows redirects and checks every hop', async () => {
    const got = await guardedGet(`${url}/to-etag`, base());
    expect(got.status === 'ok' && got.url.endsWith('/etag')).toBe(true);
    if (got.status === 'ok') await readAll(got.body, 1e6, 'body');
    expect(await codeOf(guardedGet(`${url}/to-metadata`, base({ policy: { allowPrivate: false } })))).toBe('feed.url_forbidden');
  });

  it('answers collect.http_status for an error status', async () => {
    expect(await codeOf(guardedGet(`${url}/missing`, base()))).toBe('collect.http_status');
  });
});
