import { LookupIndex } from '../../../platform/lookup-index/index.ts';
import type { OrgInfo } from '../pipeline.types.ts';

/** Two organizations: a CII grid operator and a shop, with nested prefixes, domains and ASNs. */
export function smallConstituency() {
  const orgs = new Map<string, OrgInfo>([
    ['grid', { id: 'grid', name: 'Northwind Grid', sector: 'energy', isCii: true, ciiCategory: 'significant', centerIds: ['c1'], contacts: ['soc@grid.example', 'ciso@grid.example'] }],
    ['shop', { id: 'shop', name: 'Corner Shop', sector: 'food', isCii: false, ciiCategory: null, centerIds: [], contacts: [] }],
  ]);
  const index = LookupIndex.build([
    { assetId: 'a1', organizationId: 'grid', type: 'cidr', value: '198.18.0.0/22' },
    { assetId: 'a2', organizationId: 'shop', type: 'cidr', value: '198.18.1.0/24' },
    { assetId: 'a3', organizationId: 'grid', type: 'cidr', value: '2001:db8:100::/48' },
    { assetId: 'a4', organizationId: 'grid', type: 'domain', value: 'grid.example' },
    { assetId: 'a5', organizationId: 'shop', type: 'domain', value: 'shop.example' },
    { assetId: 'a6', organizationId: 'shop', type: 'asn', value: 'AS64500' },
    { assetId: 'a7', organizationId: 'gone', type: 'cidr', value: '198.18.2.0/24' },
  ]);
  return { index, orgs };
}
