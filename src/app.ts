import fs from 'node:fs';
import path from 'node:path';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { secureHeaders } from 'hono/secure-headers';
import { systemClock, type Clock } from './platform/clock.ts';
import type { Config } from './platform/config.ts';
import type { Database } from './platform/db/database.ts';
import { AppError } from './platform/errors.ts';
import type { AppEnv } from './platform/http/context.ts';
import { mountDocs } from './platform/http/docs.ts';
import { errorResponse, handleError } from './platform/http/errors.ts';
import { limitBody, requestContext, requireMediaType } from './platform/http/middleware.ts';
import { createClientIp } from './platform/http/client-ip.ts';
import { embeddedMaintenance } from './platform/db/maintenance.ts';
import { createRouter } from './platform/http/openapi.ts';
import { serveFile } from './platform/http/static.ts';
import type { Logger } from './platform/logger.ts';
import type { AnyJob, ScheduledTask } from './platform/jobs/index.ts';
import { auditRoutes, createAuditRepository, createAuditService } from './modules/audit/index.ts';
import {
  authMiddleware,
  authRoutes,
  createApiKeysService,
  createAuthRepository,
  createAuthService,
  createUsersService,
  usersRoutes,
} from './modules/auth/index.ts';
import { centersRoutes, centersTasks, createCentersRepository, createCentersService, silenceEmail } from './modules/centers/index.ts';
import { createConstituency, organizationsRoutes, registryRoutes } from './modules/constituency/index.ts';
import {
  createFromReportService,
  createIncidents,
  dutyEscalation,
  fromReportRoutes,
  incidentAttachmentsRoutes,
  isIncidentAttachmentUpload,
} from './modules/incidents/index.ts';
import { createNotify } from './modules/notify/index.ts';
import { createReports } from './modules/reports/index.ts';
import { createIntel, createMisp, MISP_EVENTS_PATH } from './modules/intel/index.ts';
import { createSharing } from './modules/sharing/index.ts';
import { createTaxii } from './modules/taxii/index.ts';
import { createTaxiiClient } from './modules/taxii-client/index.ts';
import { createAsnPrefixes, createOutputs, createPipeline, isFeedReportPush } from './modules/pipeline/index.ts';

const WEB_DIST = path.resolve(import.meta.dirname, '../web/dist');
const VERSION = '0.1.0';

const healthRoute = createRoute({
  method: 'get',
  path: '/api/health',
  tags: ['health'],
  summary: 'Liveness: the process answers and knows its database engine',
  responses: { 200: { description: 'Up', content: { 'application/json': { schema: z.object({ status: z.literal('ok'), version: z.string(), engine: z.enum(['embedded', 'postgres']) }) } } } },
});

export type VigilDeps = { config: Config; database: Database; log: Logger; clock?: Clock };

/** Builds the services of every module and the HTTP app on top of them. */
export function createVigil(deps: VigilDeps) {
  const { config, database, log } = deps;
  const db = database.db;
  const clock = deps.clock ?? systemClock;
  const audit = createAuditService({ repo: createAuditRepository(), clock });
  const authRepo = createAuthRepository();
  const auth = createAuthService({ db, repo: authRepo, audit, clock, settings: config });
  const users = createUsersService({ db, repo: authRepo, audit, clock });
  const apiKeys = createApiKeysService({ db, repo: authRepo, audit, clock });
  const notify = createNotify({ db, audit, clock, log, config });
  const centers = createCentersService({ db, repo: createCentersRepository(), audit, clock, silenceListeners: [silenceEmail(notify.service)] });
  const constituency = createConstituency({ db, audit, clock, log });
  const incidents = createIncidents({ db, audit, clock, clockListeners: [dutyEscalation(notify.service)] });
  const peerAddress = createClientIp(config.trustedProxies);
  const reports = createReports({ db, audit, clock, log, publicUrl: config.publicUrl, clientIp: peerAddress });
  const intel = createIntel({ db, audit, clock, defaultTlp: config.intelDefaultTlp, maxBundleBytes: config.maxStixBundleBytes });
  const sharing = createSharing({ db, audit, clock, users, intel: intel.service, constituency });
  const taxii = createTaxii({ db, audit, clock, auth, sharing, intel: intel.service, maxBytes: config.maxStixBundleBytes });
  const misp = createMisp({ db, audit, clock, log, intel: intel.service, allowPrivateUrls: config.intelAllowPrivateUrls, maxBytes: config.maxStixBundleBytes });
  const taxiiClient = createTaxiiClient({ db, audit, clock, log, sharing, intel: intel.service, config });
  const asnPrefixes = createAsnPrefixes({ db, audit, clock, log });
  const pipeline = createPipeline({ db, audit, clock, log, config, incidents, lookup: () => constituency.lookup.fresh(), asn: () => asnPrefixes.service.table() });
  const outputs = createOutputs({ db, audit, clock, notify: notify.service, publicUrl: config.publicUrl });
  const services = { audit, auth, users, apiKeys, centers, constituency, incidents, notify: notify.service, reports: reports.service, asnPrefixes: asnPrefixes.service, intel: intel.service, sharing };
  // Background work of every module: queued jobs and periodic singletons (see platform/jobs).
  const jobs: AnyJob[] = [...outputs.jobs, ...notify.jobs];
  const tasks: ScheduledTask[] = [
    { name: 'auth.purge_sessions', everyMs: 3600_000, run: () => auth.purgeExpiredSessions() },
    ...incidents.tasks(),
    ...embeddedMaintenance({ db, engine: database.engine, log: log.child({ module: 'db' }) }),
    ...centersTasks({ centers, log: log.child({ module: 'centers' }) }),
    ...reports.tasks,
    ...pipeline.tasks,
    ...outputs.tasks,
    taxiiClient.task,
    misp.task,
  ];

  const api = createRouter();
  api.use('*', async (c, next) => {
    if (isIncidentAttachmentUpload(c.req.method, c.req.path)) return next(); // own multipart and 50 MiB limits
    if (c.req.method === 'POST' && c.req.path === '/api/v1/intel/bundles') return next(); // own STIX media types and bundle limit
    if (c.req.method === 'POST' && c.req.path === MISP_EVENTS_PATH) return next(); // MISP events: own limit (the bundle limit)
    if (isFeedReportPush(c.req.method, c.req.path)) return next(); // raw report, streamed under its own limit
    const isImport = c.req.path.startsWith('/api/v1/imports/') || c.req.path === '/api/v1/asn-prefixes'; // raw files, own media types
    await limitBody(isImport ? config.maxImportBytes : config.maxBodyBytes)(c, async () => {
      await (isImport ? next() : requireMediaType(['application/json'])(c, next));
    });
  });
  api.use('*', authMiddleware(auth));
  api.route('/', authRoutes({ auth, users, secureCookies: config.secureCookies, sessionTtlHours: config.sessionTtlHours, clientIp: peerAddress }));
  api.route('/', usersRoutes({ users, apiKeys, clock }));
  api.route('/', organizationsRoutes({ organizations: constituency.organizations }));
  api.route('/', registryRoutes(constituency));
  api.route('/', centersRoutes({ centers }));
  api.route('/', auditRoutes({ db, audit }));
  for (const router of incidents.routes()) api.route('/', router);
  api.route('/', incidentAttachmentsRoutes({ db, audit, clock, repo: incidents.repo }));
  api.route('/', notify.routes());
  api.route('/', pipeline.routes());
  for (const router of outputs.routes()) api.route('/', router);
  api.route('/', asnPrefixes.routes());
  api.route('/', reports.routes.analyst());
  const ownerOf = async (q: string) => (await constituency.lookup.lookup(q, { kind: 'all' })).matches[0]?.organization.id ?? null;
  const fromReport = createFromReportService({ db, audit, clock, repo: incidents.repo, clocks: incidents.clocks, ownerOf });
  api.route('/', fromReportRoutes({ fromReport }));
  api.route('/', intel.routes());
  api.route('/', misp.routes());
  for (const router of sharing.routes()) api.route('/', router);
  api.route('/', taxiiClient.routes());

  const app = new OpenAPIHono<AppEnv>();
  app.onError(handleError);
  app.use('*', requestContext(log));
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
  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const, version: VERSION, engine: database.engine }, 200));
  // Public report intake and status: no session, their own body limits (multipart), so before `api`.
  app.route('/api/v1', reports.routes.public());
  app.route('/api/v1', api);
  app.route('/', taxii.routes()); // TAXII 2.1 under /taxii2/ (modules/taxii): its own auth, body limit and error format
  app.route('/', outputs.metricsRoutes(authMiddleware(auth), config.metricsToken)); // Prometheus scrapes /metrics
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
  return { app, services, jobs, tasks, pipeline, outputs };
}

function serveConsole(c: Parameters<typeof serveFile>[0]): Response {
  const index = path.join(WEB_DIST, 'index.html');
  if (!fs.existsSync(index)) return c.html('<h1>Vigil</h1><p>The web console is not built. Run <code>npm run build:web</code>.</p>', 503);
  c.header('Cache-Control', 'no-cache');
  return c.html(fs.readFileSync(index, 'utf8'));
}

export type Vigil = ReturnType<typeof createVigil>;
