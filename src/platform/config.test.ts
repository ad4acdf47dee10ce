import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from './config.ts';

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: undefined,
      dataDir: path.resolve('./data'),
      host: '127.0.0.1',
      port: 8080,
      publicUrl: undefined,
      logLevel: 'info',
      demo: true,
      secureCookies: false,
      sessionTtlHours: 12,
      maxBodyBytes: 1024 * 1024,
      maxImportBytes: 20 * 1024 * 1024,
      maxStixBundleBytes: 50 * 1024 * 1024,
      intelDefaultTlp: 'amber',
      dbPoolMax: 10,
      loginMaxFailures: 5,
      loginWindowSeconds: 900,
      indexPollMs: 2000,
      runWorker: true,
      smtpUrl: undefined,
      smtpFrom: 'vigil@localhost',
      webhookTimeoutMs: 10_000,
      trustedProxies: [],
      pipelineAllowPrivateFeeds: false,
      pipelineMaxPushBytes: 2 * 1024 * 1024 * 1024,
      pipelineMaxQueuedBytes: 1024 * 1024 * 1024,
      pipelineWorkers: 1,
      pipelineParseThreads: 1,
      pipelineRawRetentionDays: 30,
      digestSigningKeyFile: undefined,
      digestSigningKeyPassphrase: undefined,
      metricsToken: undefined,
      secretsKey: undefined,
      intelAllowPrivateUrls: false,
    });
  });

  it('treats empty and blank strings as unset', () => {
    const cfg = loadConfig({ VIGIL_PORT: '', VIGIL_DEMO: '  ', DATABASE_URL: '', VIGIL_HOST: '', VIGIL_PUBLIC_URL: '' });
    expect(cfg.port).toBe(8080);
    expect(cfg.demo).toBe(true);
    expect(cfg.databaseUrl).toBeUndefined();
    expect(cfg.host).toBe('127.0.0.1');
    expect(cfg.publicUrl).toBeUndefined();
  });

  it('turns demo mode off with VIGIL_DEMO=0', () => {
    expect(loadConfig({ VIGIL_DEMO: '0' }).demo).toBe(false);
  });

  it('accepts every spelling of a boolean', () => {
    for (const v of ['1', 'true', 'yes', 'on']) expect(loadConfig({ VIGIL_SECURE_COOKIES: v }).secureCookies).toBe(true);
    for (const v of ['0', 'false', 'no', 'off']) expect(loadConfig({ VIGIL_DEMO: v }).demo).toBe(false);
  });

  it('reads and trims explicit values', () => {
    const cfg = loadConfig({
      DATABASE_URL: ' postgresql://vigil@db:5432/vigil ',
      VIGIL_PORT: ' 9090 ',
      VIGIL_HOST: '0.0.0.0',
      VIGIL_DATA_DIR: '/var/lib/vigil',
      VIGIL_PUBLIC_URL: 'https://cert.example.org',
      VIGIL_LOG_LEVEL: 'debug',
      VIGIL_SESSION_TTL_HOURS: '24',
      VIGIL_INDEX_POLL_MS: '500',
    });
    expect(cfg).toMatchObject({
      databaseUrl: 'postgresql://vigil@db:5432/vigil',
      port: 9090,
      host: '0.0.0.0',
      dataDir: path.resolve('/var/lib/vigil'),
      publicUrl: 'https://cert.example.org',
      logLevel: 'debug',
      sessionTtlHours: 24,
      indexPollMs: 500,
    });
  });

  it('accepts a postgres:// DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/vigil' }).databaseUrl).toBe('postgres://localhost/vigil');
  });

  it('ignores variables it does not know', () => {
    expect(() => loadConfig({ VIGIL_NO_SUCH_THING: 'x', PATH: '/usr/bin' })).not.toThrow();
  });

  it('rejects a non-numeric port with a ConfigError naming VIGIL_PORT', () => {
    const err = configError({ VIGIL_PORT: 'http' });
    expect(err.name).toBe('ConfigError');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatch(/^VIGIL_PORT: /);
    expect(err.message).toContain('VIGIL_PORT');
  });

  it('rejects a port above 65535', () => {
    expect(configError({ VIGIL_PORT: '65536' }).issues[0]).toMatch(/^VIGIL_PORT: /);
  });

  it('reads the pipeline parse threads, 0 included, and rejects a count out of range', () => {
    expect(loadConfig({ VIGIL_PIPELINE_PARSE_THREADS: '0' }).pipelineParseThreads).toBe(0);
    expect(loadConfig({ VIGIL_PIPELINE_PARSE_THREADS: '4' }).pipelineParseThreads).toBe(4);
    expect(configError({ VIGIL_PIPELINE_PARSE_THREADS: '65' }).issues[0]).toMatch(/^VIGIL_PIPELINE_PARSE_THREADS: /);
    expect(configError({ VIGIL_PIPELINE_PARSE_THREADS: '-1' }).issues[0]).toMatch(/^VIGIL_PIPELINE_PARSE_THREADS: /);
  });

  it('rejects a fractional port', () => {
    expect(configError({ VIGIL_PORT: '80.5' }).issues[0]).toMatch(/^VIGIL_PORT: /);
  });

  it('rejects a DATABASE_URL with another scheme, naming the variable', () => {
    const err = configError({ DATABASE_URL: 'mysql://localhost/vigil' });
    expect(err.issues).toEqual(['DATABASE_URL: must be a postgres:// or postgresql:// URL']);
  });

  it('rejects a boolean it does not know, naming the variable', () => {
    const err = configError({ VIGIL_DEMO: 'maybe' });
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatch(/^VIGIL_DEMO: /);
  });

  it('rejects an unknown log level', () => {
    expect(configError({ VIGIL_LOG_LEVEL: 'verbose' }).issues[0]).toMatch(/^VIGIL_LOG_LEVEL: /);
  });

  it('lists every bad variable in one ConfigError', () => {
    const err = configError({ VIGIL_PORT: '-1', VIGIL_SECURE_COOKIES: 'sure', DATABASE_URL: 'sqlite:x.db' });
    const names = err.issues.map((i) => i.split(':')[0]).sort();
    expect(names).toEqual(['DATABASE_URL', 'VIGIL_PORT', 'VIGIL_SECURE_COOKIES']);
    for (const n of names) expect(err.message).toContain(n);
  });

  it('reads the SMTP and webhook settings', () => {
    const cfg = loadConfig({
      VIGIL_SMTP_URL: 'smtps://mailer:s3cret@smtp.example.org:465',
      VIGIL_SMTP_FROM: 'CERT <cert@example.org>',
      VIGIL_WEBHOOK_TIMEOUT_MS: '2500',
    });
    expect(cfg).toMatchObject({ smtpUrl: 'smtps://mailer:s3cret@smtp.example.org:465', smtpFrom: 'CERT <cert@example.org>', webhookTimeoutMs: 2500 });
    expect(loadConfig({ VIGIL_SMTP_URL: 'smtp://127.0.0.1:2525' }).smtpUrl).toBe('smtp://127.0.0.1:2525');
  });

  it('rejects an SMTP URL of another scheme or without a host, naming the variable', () => {
    for (const url of ['http://smtp.example.org', 'smtp://', 'mail.example.org:25']) {
      expect(configError({ VIGIL_SMTP_URL: url }).issues[0]).toMatch(/^VIGIL_SMTP_URL: /);
    }
  });

  it('rejects a sender without an address and a webhook timeout out of range', () => {
    expect(configError({ VIGIL_SMTP_FROM: 'vigil' }).issues[0]).toMatch(/^VIGIL_SMTP_FROM: /);
    expect(configError({ VIGIL_WEBHOOK_TIMEOUT_MS: '10' }).issues[0]).toMatch(/^VIGIL_WEBHOOK_TIMEOUT_MS: /);
    expect(configError({ VIGIL_WEBHOOK_TIMEOUT_MS: 'soon' }).issues[0]).toMatch(/^VIGIL_WEBHOOK_TIMEOUT_MS: /);
  });

  it('returns a frozen config object', () => {
    const cfg = loadConfig({});
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(() => {
      (cfg as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(cfg.port).toBe(8080);
  });

  it('documents DATABASE_URL and the VIGIL_ variables', () => {
    expect(CONFIG_VARIABLES).toContain('DATABASE_URL');
    expect(CONFIG_VARIABLES).toContain('VIGIL_PORT');
    expect(CONFIG_VARIABLES.filter((v) => v !== 'DATABASE_URL').every((v) => v.startsWith('VIGIL_'))).toBe(true);
  });
});
