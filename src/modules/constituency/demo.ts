import type { ImportRow } from './import/import.types.ts';

// A fictitious constituency for first runs. Addresses come only from ranges that can never be real:
// 198.18.0.0/15 (benchmarking, RFC 2544), 2001:db8::/32 (documentation, RFC 3849); ASNs from the
// documentation ranges (RFC 5398); domains under .example (RFC 2606).
const ORGS: [name: string, sector: string, cii: string | null, slug: string][] = [
  ['Northwind Power Grid', 'energy', 'significant', 'northwind-grid'],
  ['Riverside Hydro', 'energy', 'significant', 'riverside-hydro'],
  ['Solaris Energy Trading', 'energy', null, 'solaris-trading'],
  ['Central Gas Transmission', 'energy', 'significant', 'central-gas'],
  ['National Rail Operations', 'transport', 'significant', 'national-rail'],
  ['Harbour Port Authority', 'transport', 'significant', 'harbour-port'],
  ['Skyway Airports', 'transport', 'other', 'skyway-airports'],
  ['Metro Transit Company', 'transport', 'other', 'metro-transit'],
  ['First Federal Bank', 'banking', 'significant', 'first-federal'],
  ['Cooperative Savings Union', 'banking', 'other', 'coop-savings'],
  ['Capital Clearing House', 'financial-market', 'significant', 'capital-clearing'],
  ['Stock Exchange Services', 'financial-market', 'significant', 'exchange-services'],
  ['University Hospital Centre', 'health', 'significant', 'univ-hospital'],
  ['Regional Ambulance Service', 'health', 'other', 'regional-ambulance'],
  ['Pharma Distribution Co', 'health', null, 'pharma-distribution'],
  ['City Water Works', 'drinking-water', 'significant', 'city-water'],
  ['Valley Water Board', 'drinking-water', 'other', 'valley-water'],
  ['Clearstream Wastewater', 'waste-water', 'other', 'clearstream-ww'],
  ['National Internet Exchange', 'digital-infrastructure', 'significant', 'nix'],
  ['Top-Level Domain Registry', 'digital-infrastructure', 'significant', 'tld-registry'],
  ['Cloudbase Data Centres', 'digital-infrastructure', 'other', 'cloudbase'],
  ['Telenet Mobile', 'telecommunications', 'significant', 'telenet-mobile'],
  ['Fibrelink Broadband', 'telecommunications', 'other', 'fibrelink'],
  ['Managed Security Partners', 'ict-service-management', null, 'msp-security'],
  ['Ministry of Finance', 'public-administration', 'significant', 'mof'],
  ['Ministry of Interior', 'public-administration', 'significant', 'moi'],
  ['National Tax Agency', 'public-administration', 'other', 'tax-agency'],
  ['Capital City Council', 'public-administration', null, 'city-council'],
  ['Ground Station Operations', 'space', 'other', 'ground-station'],
  ['National Post', 'postal', 'other', 'national-post'],
  ['Green Recycling Services', 'waste-management', null, 'green-recycling'],
  ['Chemco Industries', 'chemicals', 'other', 'chemco'],
  ['Grain and Food Cooperative', 'food', null, 'grain-food'],
  ['Precision Manufacturing Works', 'manufacturing', null, 'precision-mfg'],
  ['State University', 'education', null, 'state-univ'],
  ['National Research Network', 'research', 'other', 'nren'],
];

/** The demo constituency as import rows (so it goes through the same validation as any import). */
export function demoRows(): ImportRow[] {
  return ORGS.map(([name, sector, cii, slug], i) => {
    const v4 = i < 18 ? `198.18.${i * 4}.0/22` : `198.19.${(i - 18) * 8}.0/21`;
    const v6 = `2001:db8:${(0x100 + i).toString(16)}::/48`;
    const asn = i < 16 ? 64496 + i : 65536 + (i - 16);
    const domain = `${slug}.example`;
    const assets: ImportRow['assets'] = [
      { type: 'cidr', value: v4 },
      { type: 'cidr', value: v6 },
      { type: 'asn', value: `AS${asn}` },
      { type: 'domain', value: domain },
      { type: 'email_domain', value: domain },
    ];
    // A few subnets delegated inside another organization's range, to show most-specific matching.
    if (i === 18) assets.push({ type: 'cidr', value: '198.18.0.128/25' });
    return {
      line: i + 1,
      name,
      sector,
      country: 'XX',
      isCii: cii !== null,
      ciiCategory: cii,
      assets,
      contacts: [
        { name: `${name} SOC`, role: 'security', email: `soc@${domain}`, phone: `+000 555 ${String(1000 + i)}`, is24x7: cii === 'significant', pgpKey: null },
        { name: `${name} CISO`, role: 'management', email: `ciso@${domain}`, phone: null, is24x7: false, pgpKey: null },
      ],
    };
  });
}
