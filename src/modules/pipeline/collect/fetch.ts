import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import zlib from 'node:zlib';
import { AppError } from '../../../platform/errors.ts';
import { bareHost, forbiddenReason, guardedLookup, type SsrfPolicy } from './ssrf.ts';

export type FetchOptions = {
  headers?: Record<string, string> | undefined;
  etag?: string | null | undefined;
  lastModified?: string | null | undefined;
  /** Whole exchange, body included. */
  timeoutMs: number;
  /** Longest silence of the server (before the answer or between body bytes). */
  idleTimeoutMs: number;
  maxRedirects: number;
  policy: SsrfPolicy;
};

export type FetchResult =
  | { status: 'not_modified'; url: string }
  | { status: 'ok'; url: string; etag: string | null; lastModified: string | null; body: AsyncIterable<Uint8Array> };

const timeoutError = (url: string, ms: number, what: string) => new AppError('collect.timeout', `${url}: no ${what} within ${ms} ms`, 504, { url, timeoutMs: ms });

function checkTarget(url: URL, policy: SsrfPolicy): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppError('feed.url_forbidden', `Only http and https URLs can be fetched, not ${url.protocol}`, 400, { url: url.href });
  const host = bareHost(url.hostname);
  // Literal addresses never reach the guarded lookup: check them here.
  const reason = !policy.allowPrivate && net.isIP(host) ? forbiddenReason(host) : null;
  if (reason) throw new AppError('feed.url_forbidden', `The feed URL points at ${host}, a ${reason} address`, 400, { address: host, reason });
}

type Exchange = { res: http.IncomingMessage; req: http.ClientRequest };
/** Why this side cut the exchange (a timeout), so that the stream's own error does not hide it. */
type Cut = { cause: AppError | null };
const cut = (c: Cut, req: http.ClientRequest, err: AppError) => {
  c.cause ??= err;
  req.destroy(err);
};

function request(url: URL, opts: FetchOptions, c: Cut, onRequest: (req: http.ClientRequest) => void): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'user-agent': 'Vigil feed collector', 'accept-encoding': 'gzip', ...opts.headers };
    if (opts.etag) headers['if-none-match'] = opts.etag;
    if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(url, { method: 'GET', headers, lookup: guardedLookup(opts.policy) as never }, (res) => resolve({ res, req }));
    onRequest(req);
    req.setTimeout(opts.idleTimeoutMs, () => cut(c, req, timeoutError(url.href, opts.idleTimeoutMs, 'data')));
    req.on('error', (err) => reject(c.cause ?? normalize(err, url)));
    req.end();
  });
}

function normalize(err: Error, url: URL): Error {
  if (err instanceof AppError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return new AppError('collect.network', `${url.href}: ${code ?? err.message}`, 502, { url: url.href, cause: code ?? err.message });
}

async function* bodyOf(ex: Exchange, c: Cut, done: () => void, url: URL): AsyncIterable<Uint8Array> {
  const stream = ex.res.headers['content-encoding'] === 'gzip' ? ex.res.pipe(zlib.createGunzip()) : ex.res;
  if (stream !== ex.res) ex.res.on('error', (err) => stream.destroy(err));
  try {
    for await (const piece of stream) yield piece as Uint8Array;
  } catch (err) {
    throw c.cause ?? normalize(err as Error, url);
  } finally {
    done();
    ex.req.destroy();
  }
}

/**
 * GET with the SSRF guard on every hop (redirects re-checked, the checked address is the one
 * connected to), conditional request validators, a total and an idle timeout (504
 * `collect.timeout`, never a hang). The body is streamed; the total timeout keeps running until
 * it is consumed.
 */
export async function guardedGet(href: string, opts: FetchOptions): Promise<FetchResult> {
  let current: http.ClientRequest | null = null;
  let url = new URL(href);
  const c: Cut = { cause: null };
  const timer = setTimeout(() => current && cut(c, current, timeoutError(url.href, opts.timeoutMs, 'complete answer')), opts.timeoutMs);
  const done = () => clearTimeout(timer);
  try {
    for (let hop = 0; ; hop++) {
      checkTarget(url, opts.policy);
      const ex = await request(url, opts, c, (r) => (current = r));
      const status = ex.res.statusCode ?? 0;
      if (status >= 300 && status < 400 && status !== 304 && ex.res.headers.location) {
        ex.req.destroy();
        if (hop >= opts.maxRedirects) throw new AppError('collect.too_many_redirects', `${href}: more than ${opts.maxRedirects} redirects`, 502, { url: href });
        url = new URL(ex.res.headers.location, url);
        continue;
      }
      if (status === 304) {
        ex.req.destroy();
        done();
        return { status: 'not_modified', url: url.href };
      }
      if (status < 200 || status >= 300) {
        ex.req.destroy();
        throw new AppError('collect.http_status', `${url.href} answered ${status}`, 502, { url: url.href, status });
      }
      const header = (n: string) => (typeof ex.res.headers[n] === 'string' ? (ex.res.headers[n] as string) : null);
      return { status: 'ok', url: url.href, etag: header('etag'), lastModified: header('last-modified'), body: bodyOf(ex, c, done, url) };
    }
  } catch (err) {
    done();
    throw err;
  }
}

/** Reads a whole (small) answer body, refusing more than `maxBytes`. */
export async function readAll(body: AsyncIterable<Uint8Array>, maxBytes: number, what: string): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const p of body) {
    n += p.byteLength;
    if (n > maxBytes) throw new AppError('collect.too_large', `${what} is larger than ${maxBytes} bytes`, 502, { maxBytes });
    parts.push(p);
  }
  return Buffer.concat(parts);
}
