import path from 'node:path';
import { z } from 'zod';

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
  dbPoolMax: number;
  loginMaxFailures: number;
  loginWindowSeconds: number;
  indexPollMs: number;
  runWorker: boolean;
  /** SMTP server for outgoing e-mail; unset = e-mail notifications wait (and retry) until it is set. May hold a password: never log it. */
  smtpUrl: string | undefined;
  smtpFrom: string;
  webhookTimeoutMs: number;
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
    dbPoolMax: v.VIGIL_DB_POOL_MAX,
    loginMaxFailures: v.VIGIL_LOGIN_MAX_FAILURES,
    loginWindowSeconds: v.VIGIL_LOGIN_WINDOW_SECONDS,
    indexPollMs: v.VIGIL_INDEX_POLL_MS,
    runWorker: v.VIGIL_WORKER,
    smtpUrl: v.VIGIL_SMTP_URL,
    smtpFrom: v.VIGIL_SMTP_FROM,
    webhookTimeoutMs: v.VIGIL_WEBHOOK_TIMEOUT_MS,
  });
}

/** The documented configuration variables, for `--help` and the README. */
export const CONFIG_VARIABLES = Object.keys(schema.shape);
