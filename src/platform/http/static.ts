import fs from 'node:fs';
import path from 'node:path';
import type { Context } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * Serves a file from `root` if `urlPath` names one inside it (no traversal), else returns null.
 * Hashed assets are cached for a year; everything else is revalidated.
 */
export function serveFile(c: Context, root: string, urlPath: string): Response | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (!file.startsWith(root + path.sep)) return null;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return null;
  }
  if (!stat.isFile()) return null;
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  const immutable = /\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.\w+$/.test(file);
  c.header('Content-Type', type);
  c.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  return c.body(fs.readFileSync(file));
}
