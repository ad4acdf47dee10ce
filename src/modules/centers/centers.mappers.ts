import type { AlertRow, CenterContactRow, CenterRow } from './centers.tables.ts';
import { nextExpectedBefore, type CenterStatus } from './centers.status.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toCenterContact(r: CenterContactRow) {
  return { id: r.id, centerId: r.center_id, name: r.name, role: r.role, email: r.email, phone: r.phone, is24x7: r.is_24x7, createdAt: r.created_at.toISOString() };
}

/** Only the fields a center may report, whatever else was stored. */
function toReport(value: unknown): { version?: string; queueDepth?: number; message?: string } | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  return {
    ...(typeof v.version === 'string' ? { version: v.version } : {}),
    ...(typeof v.queueDepth === 'number' ? { queueDepth: v.queueDepth } : {}),
    ...(typeof v.message === 'string' ? { message: v.message } : {}),
  };
}

export type CenterView = CenterRow & { status: CenterStatus; organization_count: number; contact_count: number; duty_contacts: CenterContactRow[] };

export function toCenter(c: CenterView) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    status: c.status,
    lastHeartbeatAt: iso(c.last_heartbeat_at),
    nextExpectedBefore: iso(nextExpectedBefore(c)),
    lastReport: toReport(c.last_heartbeat),
    heartbeatIntervalSeconds: c.heartbeat_interval_seconds,
    silentAfterSeconds: c.silent_after_seconds,
    organizationCount: c.organization_count,
    contactCount: c.contact_count,
    dutyContacts: c.duty_contacts.map(toCenterContact),
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

export function toCenterDetail(c: CenterView & { organizationIds: string[]; contacts: CenterContactRow[] }) {
  return { ...toCenter(c), organizationIds: c.organizationIds, contacts: c.contacts.map(toCenterContact) };
}

export function toAlert(a: AlertRow) {
  return {
    id: a.id,
    kind: a.kind,
    severity: a.severity,
    subject: a.subject,
    detail: (a.detail && typeof a.detail === 'object' ? a.detail : {}) as Record<string, unknown>,
    entityType: a.entity_type,
    entityId: a.entity_id,
    status: a.status,
    createdAt: a.created_at.toISOString(),
    acknowledgedAt: iso(a.acknowledged_at),
    acknowledgedBy: a.acknowledged_by,
    resolvedAt: iso(a.resolved_at),
  };
}
