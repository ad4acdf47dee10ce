import fs from 'node:fs';
import path from 'node:path';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { secureHeaders } from 'hono/secure-headers';
import { AppError } from './platform/errors.ts';
import type { AppEnv } from './platform/http/context.ts';
import { mountDocs } from './platform/http/docs.ts';
import { errorResponse, handleError } from './platform/http/errors.ts';
import { requestContext } from './platform/http/middleware.ts';
import { serveFile } from './platform/http/static.ts';
import { authMiddleware } from './modules/auth/index.ts';
import { createApi } from './app/api.ts';
import { backgroundWork } from './app/background.ts';
import { createModules, type Modules, type VigilDeps } from './app/modules.ts';

export type { VigilDeps } from './app/modules.ts';

const WEB_DIST = path.resolve(import.meta.dirname, '../web/dist');
const VERSION = '0.1.0';

const healthRoute = createRoute({
  method: 'get',
  path: '/api/health',
  tags: ['health'],
  summary: 'Liveness: the process answers and knows its database engine',
  responses: { 200: { description: 'Up', content: { 'application/json': { schema: z.object({ status: z.literal('ok'), version: z.string(), engine: z.enum(['embedded', 'postgres']) }) } } } },
});

/** Builds the services of every module and the HTTP app on top of them. */
export function createVigil(deps: VigilDeps) {
  const m = createModules(deps);
  const { jobs, tasks } = backgroundWork(m);
  const services = {
    ...{ audit: m.audit, auth: m.auth, users: m.users, apiKeys: m.apiKeys, centers: m.centers, constituency: m.constituency, incidents: m.incidents },
    ...{ notify: m.notify.service, reports: m.reports.service, asnPrefixes: m.asnPrefixes.service, intel: m.intel.service, sharing: m.sharing },
  };
  return { app: createHttpApp(m), services, jobs, tasks, pipeline: m.pipeline, outputs: m.outputs };
}

/** The whole HTTP surface: public intake, /api/v1, TAXII, /metrics, OpenAPI, and the console. */
function createHttpApp(m: Modules) {
  const app = new OpenAPIHono<AppEnv>();
  app.onError(handleError);
  app.use('*', requestContext(m.log));
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
      },
    }),
  );
  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const, version: VERSION, engine: m.database.engine }, 200));
  // Public report intake and status: no session, their own body limits (multipart), so before the API.
  app.route('/api/v1', m.reports.routes.public());
  app.route('/api/v1', createApi(m));
  app.route('/', m.taxii.routes()); // TAXII 2.1 under /taxii2/ (modules/taxii): its own auth, body limit and error format
  app.route('/', m.outputs.metricsRoutes(authMiddleware(m.auth), m.config.metricsToken)); // Prometheus scrapes /metrics
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'vigil_session' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'API key: vgl_...' });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Vigil API', version: VERSION, description: 'National CERT platform: constituency, incidents, events, intelligence sharing.' },
  });
  mountDocs(app);
  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) return errorResponse(c, new AppError('route.not_found', `No route ${c.req.method} ${c.req.path}`, 404));
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return errorResponse(c, new AppError('route.not_found', 'Not found', 404));
    return serveFile(c, WEB_DIST, c.req.path) ?? serveConsole(c);
  });
  return app;
}

function serveConsole(c: Parameters<typeof serveFile>[0]): Response {
  const index = path.join(WEB_DIST, 'index.html');
  if (!fs.existsSync(index)) return c.html('<h1>Vigil</h1><p>The web console is not built. Run <code>npm run build:web</code>.</p>', 503);
  c.header('Cache-Control', 'no-cache');
  return c.html(fs.readFileSync(index, 'utf8'));
}

export type Vigil = ReturnType<typeof createVigil>;
