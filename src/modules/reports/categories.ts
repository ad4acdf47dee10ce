/**
 * What a citizen picks on the public form, in plain words, and the ENISA RSIT class it files under
 * (`classification.taxonomy` / `classification.type`). Checked against the shipped
 * src/platform/rsit.machinetag.json by categories.test.ts.
 */
export const CATEGORIES = {
  phishing: { label: 'Phishing (a fake site or message asking for passwords or payment details)', taxonomy: 'fraud', type: 'phishing' },
  fraud: { label: 'Fraud or impersonation', taxonomy: 'fraud', type: 'masquerade' },
  malware: { label: 'Malware or a virus on a device', taxonomy: 'malicious-code', type: 'infected-system' },
  account_takeover: { label: 'Someone took over an account', taxonomy: 'intrusions', type: 'unprivileged-account-compromise' },
  data_leak: { label: 'Leaked data (passwords, personal or confidential data)', taxonomy: 'information-content-security', type: 'data-leak' },
  ddos: { label: 'A website or service is flooded (DDoS)', taxonomy: 'availability', type: 'ddos' },
  vulnerable_system: { label: 'A vulnerable or exposed system', taxonomy: 'vulnerable', type: 'vulnerable-system' },
  // RSIT's only class that names child sexual exploitation ("(Child) Sexual Exploitation/Sexual/
  // Violent Content", description "Child Sexual Exploitation (CSE), ..."); harmful-speech is
  // bullying and harassment, which is not what this category is for.
  child_abuse: { label: 'Illegal content involving children', taxonomy: 'abusive-content', type: 'violence' },
  // The reporter could not place it; RSIT's "undetermined" says exactly that (other/other would
  // claim an analyst looked and found that nothing fits).
  other: { label: 'Something else', taxonomy: 'other', type: 'undetermined' },
} as const satisfies Record<string, { label: string; taxonomy: string; type: string }>;

export type CategoryKey = keyof typeof CATEGORIES;

export const CATEGORY_KEYS = Object.keys(CATEGORIES) as CategoryKey[];

/** The category whose description and attachments are never stored (only URLs and metadata). */
export const CHILD_ABUSE: CategoryKey = 'child_abuse';

export function isCategory(key: string): key is CategoryKey {
  return Object.hasOwn(CATEGORIES, key);
}
