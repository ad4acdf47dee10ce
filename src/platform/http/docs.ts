import { createRequire } from 'node:module';
import path from 'node:path';
import type { Hono } from 'hono';
import type { AppEnv } from './context.ts';
import { serveFile } from './static.ts';

const swaggerDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vigil API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
  requestInterceptor: (req) => { const t = sessionStorage.getItem('vigil.csrf'); if (t) req.headers['X-CSRF-Token'] = t; return req; } });`;

/** Swagger UI at /api/docs, served from the swagger-ui-dist package: no CDN. */
export function mountDocs(app: Hono<AppEnv>): void {
  app.get('/api/docs', (c) => c.html(PAGE));
  app.get('/api/docs/init.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(INIT);
  });
  app.get('/api/docs/:file{swagger-ui(-bundle\\.js|\\.css)}', (c) => serveFile(c, swaggerDir, c.req.param('file')) ?? c.notFound());
}
