import type { Context, Next } from 'hono';
import { limitBody, requireMediaType } from '../platform/http/middleware.ts';
import { createRouter } from '../platform/http/openapi.ts';
import { auditRoutes } from '../modules/audit/index.ts';
import { authMiddleware, authRoutes, usersRoutes } from '../modules/auth/index.ts';
import { centersRoutes } from '../modules/centers/index.ts';
import { organizationsRoutes, registryRoutes } from '../modules/constituency/index.ts';
import { fromReportRoutes, incidentAttachmentsRoutes, isIncidentAttachmentUpload } from '../modules/incidents/index.ts';
import { MISP_EVENTS_PATH } from '../modules/intel/index.ts';
import { isFeedReportPush } from '../modules/pipeline/index.ts';
import type { Modules } from './modules.ts';

/** Routes that read their own body (multipart, raw files, STIX media types) under their own limits. */
function hasOwnBodyRules(method: string, path: string): boolean {
  if (isIncidentAttachmentUpload(method, path) || isFeedReportPush(method, path)) return true;
  return method === 'POST' && (path === '/api/v1/intel/bundles' || path === MISP_EVENTS_PATH);
}

/** Every other route: JSON under the body limit; imports take raw files under the import limit. */
function bodyRules(m: Modules) {
  return async (c: Context, next: Next) => {
    if (hasOwnBodyRules(c.req.method, c.req.path)) return next();
    const isImport = c.req.path.startsWith('/api/v1/imports/') || c.req.path === '/api/v1/asn-prefixes';
    await limitBody(isImport ? m.config.maxImportBytes : m.config.maxBodyBytes)(c, async () => {
      await (isImport ? next() : requireMediaType(['application/json'])(c, next));
    });
  };
}

/** The authenticated API under /api/v1: body rules, then auth, then every module's routes. */
export function createApi(m: Modules) {
  const { config, auth, users, clock, constituency } = m;
  const api = createRouter();
  api.use('*', bodyRules(m));
  api.use('*', authMiddleware(auth));
  api.route('/', authRoutes({ auth, users, secureCookies: config.secureCookies, sessionTtlHours: config.sessionTtlHours, clientIp: m.clientIp }));
  api.route('/', usersRoutes({ users, apiKeys: m.apiKeys, clock }));
  api.route('/', organizationsRoutes({ organizations: constituency.organizations }));
  api.route('/', registryRoutes(constituency));
  api.route('/', centersRoutes({ centers: m.centers }));
  api.route('/', auditRoutes({ db: m.db, audit: m.audit }));
  for (const router of m.incidents.routes()) api.route('/', router);
  api.route('/', incidentAttachmentsRoutes({ db: m.db, audit: m.audit, clock, repo: m.incidents.repo }));
  api.route('/', m.notify.routes());
  api.route('/', m.pipeline.routes());
  for (const router of m.outputs.routes()) api.route('/', router);
  api.route('/', m.asnPrefixes.routes());
  api.route('/', m.reports.routes.analyst());
  api.route('/', fromReportRoutes({ fromReport: m.fromReport }));
  api.route('/', m.intel.routes());
  api.route('/', m.misp.routes());
  for (const router of m.sharing.routes()) api.route('/', router);
  api.route('/', m.taxiiClient.routes());
  return api;
}
