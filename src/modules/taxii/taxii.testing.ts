import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createTestApp, PASSWORD, type Session, type TestApp } from '../../test-support/app.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import { TLP2_MARKING_IDS, type Tlp } from '../intel/index.ts';

/** A STIX indicator marked with `tlp`. */
export function indicator(tlp: Tlp, over: Record<string, unknown> = {}): Record<string, unknown> {
  const id = `indicator--${randomUUID()}`;
  return {
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: '2025-01-01T00:00:00.000Z',
    modified: '2025-01-01T00:00:00.000Z',
    name: `ind ${id.slice(-6)}`,
    pattern: `[domain-name:value = '${id.slice(-12)}.example']`,
    pattern_type: 'stix',
    valid_from: '2025-01-01T00:00:00Z',
    object_marking_refs: [TLP2_MARKING_IDS[tlp]],
    ...over,
  };
}

export type TaxiiWorld = {
  t: TestApp;
  url: string;
  admin: Session;
  partnerId: string;
  collectionId: string;
  email: string;
  apiKey: string;
  /** Authorization header values. */
  basic: string;
  basicKey: string;
  bearer: string;
  importLocal(objects: Record<string, unknown>[]): Promise<void>;
  close(): Promise<void>;
};

/** The app on a loopback socket, with one partner, a GREEN-only agreement (read and write) and its account. */
export async function taxiiWorld(env: Record<string, string> = {}, opts: { dataDir?: string } = {}): Promise<TaxiiWorld> {
  const t = await createTestApp(env, opts);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: t.vigil.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admin = await t.signIn('admin');
  const post = async (path: string, body: unknown) => {
    const res = await t.request(path, { method: 'POST', as: admin, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, string>;
  };
  const partner = await post('/api/v1/partners', { name: `CERT-${randomUUID().slice(0, 8)}`, country: 'DE', kind: 'national_cert', contacts: [{ name: 'Duty', email: 'duty@cert.example' }] });
  const agreement = await post(`/api/v1/partners/${partner.id}/agreements`, {
    title: 'Bilateral GREEN',
    purpose: 'Exchange of indicators',
    direction: 'both',
    tlpLevels: ['clear', 'green'],
    validFrom: '2020-01-01T00:00:00Z',
  });
  const email = `taxii-${randomUUID().slice(0, 8)}@cert.example`;
  const account = await post(`/api/v1/partners/${partner.id}/accounts`, { email, name: 'TAXII client', password: PASSWORD });
  const key = await post('/api/v1/api-keys', { name: 'taxii', userId: account.id, scopes: ['taxii:read', 'taxii:write'] });
  const apiKey = key.key as string;
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return {
    t,
    url,
    admin,
    partnerId: partner.id as string,
    collectionId: agreement.collectionId as string,
    email,
    apiKey,
    basic: `Basic ${b64(`${email}:${PASSWORD}`)}`,
    basicKey: `Basic ${b64(`${email}:${apiKey}`)}`,
    bearer: `Bearer ${apiKey}`,
    async importLocal(objects) {
      const r = await t.vigil.services.intel.importBundle({ type: 'bundle', id: `bundle--${randomUUID()}`, objects }, { source: 'local', actor: SYSTEM_ACTOR });
      if (r.rejected.length) throw new Error(`rejected: ${JSON.stringify(r.rejected)}`);
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    },
  };
}
