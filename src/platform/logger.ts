import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs to stderr (stdout is for humans in the CLI). Secrets and personal data are
 * redacted by path wherever they might slip into a log object.
 */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { service: 'vigil' },
      redact: ['password', '*.password', 'token', '*.token', 'secret', '*.secret', 'headers.cookie', 'headers.authorization'],
    },
    pino.destination(2),
  );
}
