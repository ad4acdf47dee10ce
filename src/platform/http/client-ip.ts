import type { Context } from 'hono';

/** The peer address of the TCP connection ('unknown' for in-process requests in tests). */
export function clientIp(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
