import path from 'node:path';
import { z } from 'zod';
import { isCidr } from './http/client-ip.ts';

const bool = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.enum(['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'], 'must be one of 1/0, true/false, yes/no, on/off'))
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  VIGIL_DATA_DIR: z.string().min(1).default('./data'),
  VIGIL_HOST: z.string().min(1).default('127.0.0.1'),
  VIGIL_PORT: int(0, 65535).default(8080),
  VIGIL_PUBLIC_URL: z.url().optional(),
  VIGIL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VIGIL_DEMO: bool.default(true),
  VIGIL_SECURE_COOKIES: bool.optional(),
  VIGIL_SESSION_TTL_HOURS: int(1, 24 * 30).default(12),
  VIGIL_MAX_BODY_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  VIGIL_MAX_IMPORT_BYTES: int(1024, 1024 * 1024 * 1024).default(20 * 1024 * 1024),
  VIGIL_MAX_STIX_BUNDLE_BYTES: int(1024, 1024 * 1024 * 1024).default(50 * 1024 * 1024),
  VIGIL_INTEL_DEFAULT_TLP: z.enum(['clear', 'green', 'amber', 'amber+strict', 'red']).default('amber'),
  VIGIL_DB_POOL_MAX: int(1, 200).default(10),
  VIGIL_LOGIN_MAX_FAILURES: int(1, 1000).default(5),
  VIGIL_LOGIN_WINDOW_SECONDS: int(1, 86400).default(900),
  VIGIL_INDEX_POLL_MS: int(50, 600_000).default(2000),
  VIGIL_WORKER: bool.default(true),
  VIGIL_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/?#\s]+/, 'must be an smtp://host:port or smtps://user:pass@host:port URL')
    .refine((v) => URL.canParse(v), 'must be an smtp://host:port or smtps://user:pass@host:port URL')
    .optional(),
  VIGIL_SMTP_FROM: z.string().max(320).regex(/^[^\r\n]*@[^\r\n]*$/, 'must be an e-mail address, optionally with a display name').default('vigil@localhost'),
  VIGIL_WEBHOOK_TIMEOUT_MS: int(100, 300_000).default(10_000),
  VIGIL_TRUSTED_PROXIES: z
    .string()
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .refine((list) => list.every(isCidr), 'must be IP addresses or CIDRs (192.0.2.10, 10.0.0.0/8, 2001:db8::/32), separated by commas or spaces')
    .default([]),
  VIGIL_PIPELINE_ALLOW_PRIVATE_FEEDS: bool.default(false),
  VIGIL_PIPELINE_MAX_PUSH_BYTES: int(1024, 16 * 1024 * 1024 * 1024).default(2 * 1024 * 1024 * 1024),
  VIGIL_PIPELINE_MAX_QUEUED_BYTES: int(1024, 1024 * 1024 * 1024 * 1024).default(1024 * 1024 * 1024),
  VIGIL_PIPELINE_WORKERS: int(0, 64).default(1),
  VIGIL_PIPELINE_PARSE_THREADS: int(0, 64).default(1),
  VIGIL_PIPELINE_RAW_RETENTION_DAYS: int(0, 3650).default(30),
  VIGIL_DIGEST_SIGNING_KEY_FILE: z.string().min(1).optional(),
  VIGIL_DIGEST_SIGNING_KEY_PASSPHRASE: z.string().optional(),
  VIGIL_METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').max(512).optional(),
  VIGIL_SECRETS_KEY: z.string().regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'must be 32 bytes as 64 hex digits or base64').optional(),
  VIGIL_INTEL_ALLOW_PRIVATE_URLS: bool.default(false),
});

export type Config = Readonly<{
  databaseUrl: string | undefined;
  dataDir: string;
  host: string;
  port: number;
  publicUrl: string | undefined;
  logLevel: z.infer<typeof schema>['VIGIL_LOG_LEVEL'];
  demo: boolean;
  secureCookies: boolean;
  sessionTtlHours: number;
  maxBodyBytes: number;
  maxImportBytes: number;
  /** Largest STIX bundle accepted by POST /api/v1/intel/bundles. */
  maxStixBundleBytes: number;
  /** TLP of intel objects that carry no TLP marking. */
  intelDefaultTlp: 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';
  dbPoolMax: number;
  loginMaxFailures: number;
  loginWindowSeconds: number;
  indexPollMs: number;
  runWorker: boolean;
  /** SMTP server for outgoing e-mail; unset = e-mail notifications wait (and retry) until it is set. May hold a password: never log it. */
  smtpUrl: string | undefined;
  smtpFrom: string;
  webhookTimeoutMs: number;
  /** Reverse proxies whose X-Forwarded-For is believed (CIDRs); empty = the socket peer is the client. */
  trustedProxies: readonly string[];
  /** Lets feeds pull from private, loopback and link-local addresses (tests, labs); off in production. */
  pipelineAllowPrivateFeeds: boolean;
  pipelineMaxPushBytes: number;
  /** Queued chunk bytes past which pushes answer 503 and pulls skip a run (back-pressure). */
  pipelineMaxQueuedBytes: number;
  /** Days the raw content of a finished report is kept (0: forever). */
  pipelineRawRetentionDays: number;
  /** Chunk worker loops per process (the embedded engine has one connection: 1 is enough). */
  pipelineWorkers: number;
  /** Threads per process that parse and enrich chunks while the chunk workers store (0: the workers parse). */
  pipelineParseThreads: number;
  /** OpenPGP private key (armored or binary file) that signs digest e-mails; unset = digests go unsigned. */
  digestSigningKeyFile: string | undefined;
  /** Passphrase of that key, when it is encrypted. A secret: never log it. */
  digestSigningKeyPassphrase: string | undefined;
  /** Bearer token a Prometheus scraper may send to /metrics instead of an API key. A secret: never log it. */
  metricsToken: string | undefined;
  /** 32-byte key that encrypts stored partner credentials (hex or base64); unset = `<dataDir>/secrets.key`, created on first use. A secret: never log it. */
  secretsKey: string | undefined;
  /** Lets TAXII partner connections and MISP feeds reach private and loopback addresses (tests, labs); off in production. */
  intelAllowPrivateUrls: boolean;
}>;

/** Raised for invalid configuration; the CLI turns it into exit code 2. */
export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * Parses `VIGIL_*` and `DATABASE_URL` once, validates them and returns a frozen config.
 * Empty strings count as unset. Nothing else in Vigil reads `process.env`.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') picked[key] = value.trim();
  }
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const v = parsed.data;
  return Object.freeze({
    databaseUrl: v.DATABASE_URL,
    dataDir: path.resolve(v.VIGIL_DATA_DIR),
    host: v.VIGIL_HOST,
    port: v.VIGIL_PORT,
    publicUrl: v.VIGIL_PUBLIC_URL,
    logLevel: v.VIGIL_LOG_LEVEL,
    demo: v.VIGIL_DEMO,
    // Behind HTTPS (as the public URL says) cookies are Secure unless explicitly turned off.
    secureCookies: v.VIGIL_SECURE_COOKIES ?? (v.VIGIL_PUBLIC_URL?.startsWith('https:') ?? false),
    sessionTtlHours: v.VIGIL_SESSION_TTL_HOURS,
    maxBodyBytes: v.VIGIL_MAX_BODY_BYTES,
    maxImportBytes: v.VIGIL_MAX_IMPORT_BYTES,
    maxStixBundleBytes: v.VIGIL_MAX_STIX_BUNDLE_BYTES,
    intelDefaultTlp: v.VIGIL_INTEL_DEFAULT_TLP,
    dbPoolMax: v.VIGIL_DB_POOL_MAX,
    loginMaxFailures: v.VIGIL_LOGIN_MAX_FAILURES,
    loginWindowSeconds: v.VIGIL_LOGIN_WINDOW_SECONDS,
    indexPollMs: v.VIGIL_INDEX_POLL_MS,
    runWorker: v.VIGIL_WORKER,
    smtpUrl: v.VIGIL_SMTP_URL,
    smtpFrom: v.VIGIL_SMTP_FROM,
    webhookTimeoutMs: v.VIGIL_WEBHOOK_TIMEOUT_MS,
    trustedProxies: Object.freeze([...v.VIGIL_TRUSTED_PROXIES]),
    pipelineAllowPrivateFeeds: v.VIGIL_PIPELINE_ALLOW_PRIVATE_FEEDS,
    pipelineMaxPushBytes: v.VIGIL_PIPELINE_MAX_PUSH_BYTES,
    pipelineMaxQueuedBytes: v.VIGIL_PIPELINE_MAX_QUEUED_BYTES,
    pipelineRawRetentionDays: v.VIGIL_PIPELINE_RAW_RETENTION_DAYS,
    pipelineWorkers: v.VIGIL_PIPELINE_WORKERS,
    pipelineParseThreads: v.VIGIL_PIPELINE_PARSE_THREADS,
    digestSigningKeyFile: v.VIGIL_DIGEST_SIGNING_KEY_FILE === undefined ? undefined : path.resolve(v.VIGIL_DIGEST_SIGNING_KEY_FILE),
    digestSigningKeyPassphrase: v.VIGIL_DIGEST_SIGNING_KEY_PASSPHRASE,
    metricsToken: v.VIGIL_METRICS_TOKEN,
    secretsKey: v.VIGIL_SECRETS_KEY,
    intelAllowPrivateUrls: v.VIGIL_INTEL_ALLOW_PRIVATE_URLS,
  });
}

/** The documented configuration variables, for `--help` and the README. */
export const CONFIG_VARIABLES = Object.keys(schema.shape);
