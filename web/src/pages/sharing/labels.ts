// Names the sharing pages show for partners, agreements and the policy's reasons.
import type { PartnerKind } from '../../api-sharing';

export const PARTNER_KINDS: { value: PartnerKind; label: string }[] = [
  { value: 'national_cert', label: 'National CERT' },
  { value: 'sector_cert', label: 'Sector CERT' },
  { value: 'international_body', label: 'International body' },
  { value: 'isac', label: 'ISAC' },
  { value: 'vendor', label: 'Vendor' },
  { value: 'other', label: 'Other' },
];

export const kindLabel = (k: string) => PARTNER_KINDS.find((x) => x.value === k)?.label ?? k;

export const partnerHref = (id: string) => `/sharing/partners/${encodeURIComponent(id)}`;

/** Why an object would not leave (policy decision codes), in words. Unknown codes are shown as they are. */
const REASONS: Record<string, string> = {
  'hard.tlp_red': 'TLP:RED never leaves',
  'hard.tlp_amber_strict': 'TLP:AMBER+STRICT stays in the organization',
  'hard.inbound_amber': 'Shared in as AMBER: not passed on',
  'hard.inbound_green_outside_community': 'Shared in as GREEN: only within the community',
  'agreement.tlp_not_allowed': 'TLP level not in the agreement',
  'agreement.object_type_not_allowed': 'STIX type not in the agreement',
  'agreement.rsit_unclassified': 'No RSIT class (the agreement limits classes)',
  'agreement.rsit_class_not_allowed': 'RSIT class not in the agreement',
  'agreement.sector_unknown': 'No sector known (the agreement limits sectors)',
  'agreement.sector_not_allowed': 'Sector not in the agreement',
  'agreement.expired': 'The agreement has expired',
  'agreement.not_yet_valid': 'The agreement is not yet in force',
  'agreement.terminated': 'The agreement was terminated',
  'agreement.inbound_only': 'The agreement is inbound only',
  'partner.suspended': 'The partner is suspended',
  'sanitize.constituent_identity': 'Names a constituent (identities removed)',
  'sanitize.constituent_address': 'A constituent address (addresses removed)',
  'sanitize.reference_removed': 'Refers to something removed',
  in_force: 'In force',
};

export const reasonLabel = (code: string) => REASONS[code] ?? code.replace(/[._]/g, ' ');

/** Comma-separated text to a list, null when empty (= any). */
export function listOrNull(text: string): string[] | null {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  return items.length ? [...new Set(items)] : null;
}
