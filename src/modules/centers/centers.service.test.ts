import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../platform/db/testing.ts';
import type { Principal } from '../../platform/http/context.ts';
import { createAuditRepository, createAuditService, SYSTEM_ACTOR } from '../audit/index.ts';
import { createAuthRepository, createUsersService } from '../auth/index.ts';
import { createCentersRepository } from './centers.repository.ts';
import { createCentersService, type CentersService } from './centers.service.ts';
import { silentAlertKey } from './heartbeats.service.ts';

let counter = 0;
const unique = (p: string) => `${p} ${Date.now().toString(36)}-${++counter}`;

describe(`centers heartbeats and silence alerts (${testEngine()})`, () => {
  let database: Database;
  let centers: CentersService;
  let now = new Date('2026-03-01T12:00:00Z');
  let analyst: Principal;
  const clock = { now: () => now };
  const advance = (seconds: number) => {
    now = new Date(now.getTime() + seconds * 1000);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const audit = createAuditService({ repo: createAuditRepository(), clock });
    centers = createCentersService({ db: database.db, repo: createCentersRepository(), audit, clock });
    const users = createUsersService({ db: database.db, repo: createAuthRepository(), audit, clock });
    const user = await users.create({ email: 'svc-analyst@example.org', name: 'A', role: 'analyst' }, SYSTEM_ACTOR);
    analyst = principal({ userId: user.id, role: 'analyst', centerId: null, permissions: new Set(['centers:read', 'alerts:read', 'alerts:write']) });
  });
  afterAll(async () => database.close());
  beforeEach(() => {
    now = new Date('2026-03-01T12:00:00Z');
  });

  function principal(over: Partial<Principal>): Principal {
    return { userId: '00000000-0000-4000-8000-000000000001', email: 'x@example.org', name: 'x', role: 'center_operator', organizationId: null, centerId: null, via: 'api_key', permissions: new Set(['centers:read']), ...over };
  }
  const operatorOf = (centerId: string) => principal({ centerId });
  const newCenter = (window = { heartbeatIntervalSeconds: 60, silentAfterSeconds: 180 }) => centers.create({ name: unique('SOC'), ...window }, SYSTEM_ACTOR);
  const statusOf = async (id: string) => (await centers.get(analyst, id)).status;
  const alertsOf = (centerId: string) => database.db.selectFrom('alerts').selectAll().where('dedupe_key', '=', silentAlertKey(centerId)).orderBy('created_at').execute();
  const auditCount = async (action: string, entityId: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from audit_log where action = ${action} and entity_id = ${entityId}`.execute(database.db)).rows[0]?.n;

  it('moves a center from never to up, late and silent as its last beat ages', async () => {
    const c = await newCenter();
    expect(await statusOf(c.id)).toBe('never');
    const beat = await centers.heartbeat(operatorOf(c.id), { version: '2.1', queueDepth: 3 }, SYSTEM_ACTOR);
    expect(beat).toEqual({ centerId: c.id, status: 'up', nextExpectedBefore: '2026-03-01T12:01:00.000Z' });
    advance(60);
    expect(await statusOf(c.id)).toBe('up');
    advance(1);
    expect(await statusOf(c.id)).toBe('late');
    advance(119);
    expect(await statusOf(c.id)).toBe('late');
    advance(1);
    expect(await statusOf(c.id)).toBe('silent');
    const listed = (await centers.list(analyst)).find((x) => x.id === c.id);
    expect(listed).toMatchObject({ status: 'silent', last_heartbeat_at: new Date('2026-03-01T12:00:00Z'), last_heartbeat: { version: '2.1', queueDepth: 3 } });
  });

  it('stores at most one beat per second per center', async () => {
    const c = await newCenter();
    await centers.heartbeat(operatorOf(c.id), { message: 'first' }, SYSTEM_ACTOR);
    now = new Date(now.getTime() + 999);
    const again = await centers.heartbeat(operatorOf(c.id), { message: 'second' }, SYSTEM_ACTOR);
    expect(again.nextExpectedBefore).toBe('2026-03-01T12:01:00.000Z');
    expect((await centers.get(analyst, c.id)).last_heartbeat).toEqual({ message: 'first' });
    now = new Date(now.getTime() + 1);
    await centers.heartbeat(operatorOf(c.id), { message: 'third' }, SYSTEM_ACTOR);
    expect((await centers.get(analyst, c.id)).last_heartbeat).toEqual({ message: 'third' });
  });

  it('refuses a beat from an account without a center', async () => {
    await expect(centers.heartbeat(principal({ role: 'analyst', centerId: null }), {}, SYSTEM_ACTOR)).rejects.toMatchObject({ code: 'center.no_center', status: 403 });
  });

  it('raises one critical alert for a silent center however often the check runs, and resolves it on the next beat', async () => {
    const c = await newCenter();
    await centers.heartbeat(operatorOf(c.id), {}, SYSTEM_ACTOR);
    advance(180);
    expect(await centers.checkSilence()).toMatchObject({ raised: 0 });
    advance(1);
    await centers.checkSilence();
    await centers.checkSilence();
    await Promise.all([centers.checkSilence(), centers.checkSilence(), centers.checkSilence()]);
    const [alert, ...more] = await alertsOf(c.id);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ kind: 'center.silent', severity: 'critical', status: 'open', entity_type: 'center', entity_id: c.id });
    expect(alert?.subject).toContain(c.name);
    expect(await auditCount('alert.raised', alert?.id ?? '')).toBe(1);

    advance(30);
    await centers.heartbeat(operatorOf(c.id), {}, SYSTEM_ACTOR);
    const [resolved] = await alertsOf(c.id);
    expect(resolved).toMatchObject({ status: 'resolved', resolved_at: now });
    expect(await auditCount('alert.resolved', alert?.id ?? '')).toBe(1);
    expect(await statusOf(c.id)).toBe('up');

    // silent again later: a new alert, since the first one is closed
    advance(500);
    await centers.checkSilence();
    expect((await alertsOf(c.id)).map((a) => a.status)).toEqual(['resolved', 'open']);
  });

  it('keeps an acknowledged alert as the only one while the center stays silent', async () => {
    const c = await newCenter();
    await centers.heartbeat(operatorOf(c.id), {}, SYSTEM_ACTOR);
    advance(200);
    await centers.checkSilence();
    const [open] = await alertsOf(c.id);
    const acked = await centers.alerts.acknowledge(analyst, open?.id ?? '', SYSTEM_ACTOR);
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledged_by: analyst.userId, acknowledged_at: now });
    advance(60);
    await centers.checkSilence();
    expect((await alertsOf(c.id)).map((a) => a.status)).toEqual(['acknowledged']);
    await expect(centers.alerts.acknowledge(principal({ centerId: c.id }), open?.id ?? '', SYSTEM_ACTOR)).rejects.toMatchObject({ code: 'auth.forbidden' });
  });

  it('resolves the alert when the window is widened past the silence', async () => {
    const c = await newCenter();
    await centers.heartbeat(operatorOf(c.id), {}, SYSTEM_ACTOR);
    advance(300);
    await centers.checkSilence();
    expect((await alertsOf(c.id)).map((a) => a.status)).toEqual(['open']);
    await centers.update(c.id, { silentAfterSeconds: 3600 }, SYSTEM_ACTOR);
    expect(await statusOf(c.id)).toBe('late');
    expect(await centers.checkSilence()).toMatchObject({ resolved: 1 });
    expect((await alertsOf(c.id)).map((a) => a.status)).toEqual(['resolved']);
  });

  it('never alerts on a center that has not beaten yet', async () => {
    const c = await newCenter();
    advance(86_400);
    await centers.checkSilence();
    expect(await alertsOf(c.id)).toEqual([]);
  });

  it('rejects a silence window shorter than the interval, on create and on a partial update', async () => {
    await expect(centers.create({ name: unique('Bad'), heartbeatIntervalSeconds: 600, silentAfterSeconds: 300 }, SYSTEM_ACTOR)).rejects.toMatchObject({ code: 'center.silent_after_too_short', status: 400 });
    const c = await newCenter();
    await expect(centers.update(c.id, { heartbeatIntervalSeconds: 181 }, SYSTEM_ACTOR)).rejects.toMatchObject({ code: 'center.silent_after_too_short' });
    expect((await centers.update(c.id, { heartbeatIntervalSeconds: 120, silentAfterSeconds: 120 }, SYSTEM_ACTOR)).heartbeat_interval_seconds).toBe(120);
  });
});
