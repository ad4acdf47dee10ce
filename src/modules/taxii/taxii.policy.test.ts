import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import { scoId } from '../sharing/index.ts';
import { indicator, taxiiWorld, type TaxiiWorld } from './taxii.testing.ts';

type Envelope = { more: boolean; objects?: Record<string, unknown>[] };

describe(`a partner with a TLP:GREEN-only agreement (${testEngine()})`, () => {
  let w: TaxiiWorld;
  const amber = indicator('amber');
  const twoFaced = indicator('green', { modified: '2025-02-01T00:00:00.000Z' });
  const twoFacedV2 = { ...twoFaced, modified: '2025-03-01T00:00:00.000Z', object_marking_refs: ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421'] };
  const otherPartners = indicator('green');
  const green = indicator('green');
  const get = async (path: string) => fetch(`${w.url}/taxii2/api/collections/${w.collectionId}/${path}`, { headers: { authorization: w.bearer } });
  const ids = (e: Envelope) => (e.objects ?? []).map((o) => `${o.id as string}@${o.modified as string}`);

  beforeAll(async () => {
    w = await taxiiWorld();
    await w.importLocal([amber, twoFaced, green]);
    await w.importLocal([twoFacedV2]);
    await w.t.vigil.services.intel.importBundle({ type: 'bundle', id: `bundle--${randomUUID()}`, objects: [otherPartners] }, { source: `partner:${randomUUID()}`, actor: SYSTEM_ACTOR });
  });
  afterAll(async () => w?.close());

  it('never receives an AMBER object through the objects list (any version filter)', async () => {
    for (const q of ['', '?match[version]=all', '?match[version]=first', '?match[version]=last,first', `?match[id]=${amber.id as string}`]) {
      const res = await get(`objects/${q}`);
      expect(res.status).toBe(200);
      const seen = ids((await res.json()) as Envelope);
      expect(seen).not.toContain(`${amber.id as string}@2025-01-01T00:00:00.000Z`);
      expect(seen).not.toContain(`${twoFaced.id as string}@2025-03-01T00:00:00.000Z`);
      expect(seen.some((s) => s.startsWith(otherPartners.id as string))).toBe(false);
    }
    const all = ids((await (await get('objects/?match[version]=all')).json()) as Envelope);
    expect(all).toContain(`${green.id as string}@2025-01-01T00:00:00.000Z`);
    expect(all).toContain(`${twoFaced.id as string}@2025-02-01T00:00:00.000Z`);
  });

  it('never receives an AMBER object by id, in versions or in the manifest', async () => {
    expect((await get(`objects/${amber.id as string}/`)).status).toBe(404);
    expect((await get(`objects/${amber.id as string}/?match[version]=all`)).status).toBe(404);
    expect((await get(`objects/${twoFaced.id as string}/`)).status).toBe(404); // its last version is AMBER
    const older = (await (await get(`objects/${twoFaced.id as string}/?match[version]=all`)).json()) as Envelope;
    expect(ids(older)).toEqual([`${twoFaced.id as string}@2025-02-01T00:00:00.000Z`]);
    expect((await get(`objects/${amber.id as string}/versions/`)).status).toBe(404);
    const versions = (await (await get(`objects/${twoFaced.id as string}/versions/`)).json()) as { versions: string[] };
    expect(versions.versions).toEqual(['2025-02-01T00:00:00.000Z']);
    const manifest = (await (await get('manifest/?match[version]=all')).json()) as { objects: { id: string; version: string }[] };
    const listed = manifest.objects.map((m) => `${m.id}@${m.version}`);
    expect(listed).not.toContain(`${amber.id as string}@2025-01-01T00:00:00.000Z`);
    expect(listed).not.toContain(`${twoFaced.id as string}@2025-03-01T00:00:00.000Z`);
    expect(listed).toContain(`${green.id as string}@2025-01-01T00:00:00.000Z`);
  });

  it('sees no AMBER in the preview, which gives the reason for what it excludes', async () => {
    const res = await w.t.request(`/api/v1/partners/${w.partnerId}/preview`, { as: w.admin });
    expect(res.status).toBe(200);
    const p = (await res.json()) as { agreements: { standing: string; byTlp: Record<string, number>; excluded: { reason: string }[]; sample: { id: string }[] }[] };
    const a = p.agreements[0]!;
    expect(a.standing).toBe('in_force');
    expect(Object.keys(a.byTlp).sort()).toEqual(['green']);
    expect(a.excluded.map((x) => x.reason).sort()).toEqual(['agreement.tlp_not_allowed', 'hard.inbound_green_outside_community']);
    expect(a.sample.map((o) => o.id)).not.toContain(amber.id);
  });

  it('records every object sent in the ledger with the hash of the exact bytes, and the ledger verifies', async () => {
    const res = await get(`objects/${green.id as string}/`);
    const text = await res.text();
    const sent = JSON.stringify(((JSON.parse(text) as Envelope).objects ?? [])[0]);
    const requestId = res.headers.get('x-request-id');
    const report = (await (await w.t.request(`/api/v1/ledger?partner=${w.partnerId}`, { as: w.admin })).json()) as { items: { objectId: string; sha256: string; requestId: string }[]; summary: { sent: number }[] };
    const row = report.items.find((i) => i.requestId === requestId);
    expect(row).toMatchObject({ objectId: green.id, sha256: createHash('sha256').update(sent).digest('hex') });
    expect(report.items.map((i) => i.objectId)).not.toContain(amber.id);
    expect(report.summary[0]!.sent).toBe(report.items.length);
    const csv = await (await w.t.request(`/api/v1/ledger?partner=${w.partnerId}&format=csv`, { as: w.admin })).text();
    expect(csv.split('\n')[0]).toBe('seq,position,at,partner_id,agreement_id,collection_id,object_id,object_modified,sha256,route,request_id,hash');
    expect(await (await w.t.request('/api/v1/ledger/verify', { as: w.admin })).json()).toMatchObject({ ok: true, objects: report.items.length });
  });

  it('detects an edited ledger row', async () => {
    await sql`update sharing_ledger set objects = jsonb_set(objects, '{0,0}', '"indicator--00000000-0000-4000-8000-000000000000"') where seq = 2`.execute(w.t.database.db);
    const verdict = await (await w.t.request('/api/v1/ledger/verify', { as: w.admin })).json();
    expect(verdict).toMatchObject({ ok: false, brokenAt: 2, reason: 'row 2 was modified' });
    expect(await w.t.vigil.services.sharing.verifyLedger()).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('generalizes constituent addresses and does not answer for their original ids', async () => {
    const org = await w.t.createOrg(`Constituent ${randomUUID().slice(0, 6)}`);
    await w.t.vigil.services.constituency.organizations.addAsset(org.id, { type: 'cidr', value: '198.18.7.0/24' }, SYSTEM_ACTOR);
    const value = '198.18.7.45';
    const sco = { type: 'ipv4-addr', spec_version: '2.1', id: scoId('ipv4-addr', { value }), value, object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'] };
    await w.importLocal([sco]);
    const listed = (await (await get('objects/?match[type]=ipv4-addr')).json()) as Envelope;
    expect(listed.objects?.map((o) => o.value)).toEqual(['198.18.7.0/24']);
    expect(listed.objects?.[0]!.id).toBe(scoId('ipv4-addr', { value: '198.18.7.0/24' }));
    expect((await get(`objects/${sco.id}/`)).status).toBe(404);
  });
});
