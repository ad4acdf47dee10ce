/**
 * Secret headers of pulled feeds: the API keys feeds ask for (abuse.ch `Auth-Key`, a MISP
 * instance's `Authorization`, Shadowserver's key). They are sealed with the secret box
 * (AES-256-GCM, platform/secrets.ts) when a feed is saved, so the database, its backups and the
 * audit log only ever hold ciphertext; the API shows each one as a mask, and a saved mask keeps the
 * stored secret (a configuration read, edited and sent back keeps its keys). They are opened only
 * to fetch.
 */
import { AppError } from '../../platform/errors.ts';
import type { SecretBox } from '../../platform/secrets.ts';

/** What the API shows in place of a secret header's value; saved back, it keeps the stored secret. */
export const SECRET_MASK = '********';

type Config = Record<string, unknown>;
const secretsOf = (config: Config | null | undefined): Record<string, string> => (config?.secretHeaders as Record<string, string> | undefined) ?? {};

/**
 * The config to store, from a validated config (plain or masked secret values) and the stored one:
 * a new value is sealed, a mask keeps the stored secret of that name; `given: false` (the request
 * did not send secretHeaders) keeps every stored secret.
 */
export function sealSecretHeaders(config: Config, stored: Config | null, given: boolean, box: SecretBox): Config {
  if (!('secretHeaders' in config) && stored === null) return config;
  const before = secretsOf(stored);
  if (!given) return Object.keys(before).length ? { ...config, secretHeaders: before } : withoutSecrets(config);
  const sealed: Record<string, string> = {};
  for (const [name, value] of Object.entries(secretsOf(config))) {
    if (value !== SECRET_MASK) sealed[name] = box.seal(value);
    else if (before[name] !== undefined) sealed[name] = before[name];
    else throw new AppError('feed.secret_missing', `No secret is stored for the header "${name}": enter its value`, 400, { field: `config.secretHeaders.${name}` });
  }
  return Object.keys(sealed).length ? { ...config, secretHeaders: sealed } : withoutSecrets(config);
}

function withoutSecrets(config: Config): Config {
  const { secretHeaders: _, ...rest } = config;
  return rest;
}

/** The config as the API shows it: each secret header's value masked. */
export function maskSecretHeaders(config: Config): Config {
  const secrets = secretsOf(config);
  if (!Object.keys(secrets).length) return config;
  return { ...config, secretHeaders: Object.fromEntries(Object.keys(secrets).map((name) => [name, SECRET_MASK])) };
}

/** The headers of a fetch: the plain ones, then the secret ones opened (they win on a name clash, whatever its case). */
export function fetchHeaders(config: { headers?: Record<string, string> | undefined; secretHeaders?: Record<string, string> | undefined }, box: SecretBox): Record<string, string> {
  const out: Record<string, string> = {};
  const secrets = Object.entries(config.secretHeaders ?? {});
  const secretNames = new Set(secrets.map(([name]) => name.toLowerCase()));
  for (const [name, value] of Object.entries(config.headers ?? {})) if (!secretNames.has(name.toLowerCase())) out[name] = value;
  for (const [name, sealed] of secrets) out[name] = box.open(sealed);
  return out;
}
