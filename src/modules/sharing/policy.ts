import { sanitize, type ConstituencyView, type RefFate } from './sanitize.ts';
import { rsitClassesOf, rsitCovers, sectorsOf, type StixObject, type Tlp } from './stix-facets.ts';

/** An agreement as the policy reads it (see sharing.schemas.ts for the API shape). */
export type Agreement = {
  id: string;
  partnerId: string;
  collectionId: string;
  direction: 'outbound' | 'inbound' | 'both';
  status: 'active' | 'terminated';
  tlpLevels: readonly Tlp[];
  rsitClasses: readonly string[] | null;
  objectTypes: readonly string[] | null;
  sectors: readonly string[] | null;
  /** The partner belongs to the community within which third-party TLP:GREEN may be passed on. */
  community: boolean;
  constituentIdentities: 'keep' | 'remove';
  constituentAddresses: 'keep' | 'generalize' | 'remove';
  validFrom: Date;
  validUntil: Date | null;
};

/** One stored version as the policy sees it. */
export type Candidate = { object: StixObject; tlp: Tlp; source: string };

export type PolicyContext = {
  now: Date;
  /** Suspended partners receive nothing. */
  partnerActive: boolean;
  constituency: ConstituencyView;
  refFate: RefFate;
};

export type Decision = { allowed: true; reason: 'allowed' | 'allowed.sanitized'; transformed?: StixObject } | { allowed: false; reason: string };

// Objects that only define markings or extensions: needed to read the rest, never content.
const STRUCTURAL = new Set(['marking-definition', 'extension-definition', 'language-content']);

/**
 * Decides whether one object version may leave to a partner under one agreement, and in which form.
 * Hard rules first (no agreement can override them): TLP:RED never leaves; TLP:AMBER+STRICT never
 * leaves the organization; an object shared in by a partner (`source: partner:<id>`) never goes
 * further than its marking allows: inbound AMBER goes nowhere, inbound GREEN only to partners the
 * agreement puts in the community. Then the agreement: active, valid now, outbound, its TLP levels,
 * object types, RSIT classes and sectors (an object must carry a listed class / sector when the
 * agreement lists any), then the sanitizer (sanitize.ts).
 */
export function decide(candidate: Candidate, agreement: Agreement, ctx: PolicyContext): Decision {
  const hard = hardRule(candidate, agreement);
  if (hard) return deny(hard);
  const standing = agreementStanding(agreement, ctx);
  if (standing) return deny(standing);
  if (!agreement.tlpLevels.includes(candidate.tlp)) return deny('agreement.tlp_not_allowed');
  const obj = candidate.object;
  if (!STRUCTURAL.has(obj.type)) {
    const dimension = dimensionRule(obj, agreement);
    if (dimension) return deny(dimension);
  }
  const rules = { identities: agreement.constituentIdentities, addresses: agreement.constituentAddresses };
  const result = sanitize(obj, rules, ctx.constituency, ctx.refFate);
  if (result.kind === 'drop') return deny(result.reason);
  if (result.kind === 'transform') return { allowed: true, reason: 'allowed.sanitized', transformed: result.object };
  return { allowed: true, reason: 'allowed' };
}

/** The hard rule an object breaks whatever the agreement says, or null. */
export function hardRule(candidate: Candidate, agreement: Pick<Agreement, 'community'>): string | null {
  if (candidate.tlp === 'red') return 'hard.tlp_red';
  if (candidate.tlp === 'amber+strict') return 'hard.tlp_amber_strict';
  if (candidate.source.startsWith('partner:')) {
    if (candidate.tlp === 'amber') return 'hard.inbound_amber';
    if (candidate.tlp === 'green' && !agreement.community) return 'hard.inbound_green_outside_community';
  }
  return null;
}

/** Why an agreement lets nothing out right now, or null when it is in force for outbound sharing. */
export function agreementStanding(agreement: Agreement, ctx: Pick<PolicyContext, 'now' | 'partnerActive'>): string | null {
  if (!ctx.partnerActive) return 'partner.suspended';
  if (agreement.status !== 'active') return 'agreement.terminated';
  if (agreement.validFrom > ctx.now) return 'agreement.not_yet_valid';
  if (agreement.validUntil && agreement.validUntil <= ctx.now) return 'agreement.expired';
  if (agreement.direction === 'inbound') return 'agreement.inbound_only';
  return null;
}

function dimensionRule(obj: StixObject, agreement: Agreement): string | null {
  if (agreement.objectTypes && !agreement.objectTypes.includes(obj.type)) return 'agreement.object_type_not_allowed';
  if (agreement.rsitClasses) {
    const classes = rsitClassesOf(obj);
    if (!classes.length) return 'agreement.rsit_unclassified';
    if (!classes.some((c) => agreement.rsitClasses!.some((e) => rsitCovers(e, c)))) return 'agreement.rsit_class_not_allowed';
  }
  if (agreement.sectors) {
    const sectors = sectorsOf(obj);
    if (!sectors.length) return 'agreement.sector_unknown';
    if (!sectors.some((s) => agreement.sectors!.includes(s))) return 'agreement.sector_not_allowed';
  }
  return null;
}

function deny(reason: string): Decision {
  return { allowed: false, reason };
}
