export { createAuditRepository } from './audit.repository.ts';
export { createAuditService, SYSTEM_ACTOR, type Actor, type AuditEvent, type AuditService, type VerifyResult } from './audit.service.ts';
export { canonicalJson } from './audit.hash.ts';
export { auditRoutes } from './audit.routes.ts';
