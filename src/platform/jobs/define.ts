import type { z } from 'zod';
import type { Logger } from '../logger.ts';

export type JobContext = { log: Logger; jobId: number; attempt: number };

export type JobDefinition<P = unknown> = {
  name: string;
  payload: z.ZodType<P>;
  handler: (payload: P, ctx: JobContext) => Promise<void>;
  maxAttempts: number;
  /** Delay before attempt `attempt + 1` after attempt `attempt` failed. */
  backoffMs: (attempt: number) => number;
};

/** A job of any payload type, for lists of jobs (the payload schema checks each one at run time). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJob = JobDefinition<any>;

/** Exponential backoff with full jitter: ~5 s, 10 s, 20 s ... capped at one hour. */
export function exponentialBackoff(baseMs = 5000, capMs = 3600_000): (attempt: number) => number {
  return (attempt) => {
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  };
}

/**
 * Declares a background job once: its name, the zod schema of its payload and an idempotent
 * handler (a job may run again after a crash). Handlers call services, never routes.
 */
export function defineJob<P>(def: {
  name: string;
  payload: z.ZodType<P>;
  handler: (payload: P, ctx: JobContext) => Promise<void>;
  maxAttempts?: number;
  backoffMs?: (attempt: number) => number;
}): JobDefinition<P> {
  return { maxAttempts: 10, backoffMs: exponentialBackoff(), ...def };
}
