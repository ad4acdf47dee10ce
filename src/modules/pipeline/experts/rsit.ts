/**
 * ENISA RSIT: the taxonomy (classification.taxonomy) of each classification.type, so that a rule
 * that sets or maps a type also sets the matching taxonomy. IntelMQ's extra types are accepted as
 * they appear in IntelMQ (see STANDARDS.md).
 */
const TAXONOMY: Record<string, readonly string[]> = {
  'abusive-content': ['spam', 'harmful-speech', 'violence'],
  'malicious-code': ['infected-system', 'c2-server', 'malware-distribution', 'malware-configuration', 'malware', 'dga-domain'],
  'information-gathering': ['scanner', 'sniffing', 'social-engineering'],
  'intrusion-attempts': ['ids-alert', 'brute-force', 'exploit'],
  intrusions: ['privileged-account-compromise', 'unprivileged-account-compromise', 'application-compromise', 'system-compromise', 'burglary'],
  availability: ['dos', 'ddos', 'misconfiguration', 'sabotage', 'outage'],
  'information-content-security': ['unauthorised-information-access', 'unauthorised-information-modification', 'data-loss', 'data-leak'],
  fraud: ['unauthorised-use-of-resources', 'unauthorized-use-of-resources', 'copyright', 'masquerade', 'phishing'],
  vulnerable: ['weak-crypto', 'ddos-amplifier', 'potentially-unwanted-accessible', 'information-disclosure', 'vulnerable-system'],
  other: ['other', 'undetermined', 'blacklist', 'proxy', 'tor'],
  test: ['test'],
};

const BY_TYPE = new Map<string, string>();
for (const [taxonomy, types] of Object.entries(TAXONOMY)) for (const t of types) BY_TYPE.set(t, taxonomy);

/** The RSIT taxonomy of a classification type, or undefined for an unknown type. */
export function taxonomyOf(type: string): string | undefined {
  return BY_TYPE.get(type);
}

/** Every accepted classification.type. */
export const RSIT_TYPES: readonly string[] = [...BY_TYPE.keys()];
