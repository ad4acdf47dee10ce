import { z } from 'zod';
import { defineJob, exponentialBackoff } from '../../../platform/jobs/index.ts';

export const DIGEST_JOB = 'pipeline.digest';

/** `pipeline.digest`: builds one digest and queues its notifications (idempotent: a sent digest is skipped). */
export function createDigestJob(build: (digestId: string) => Promise<void>) {
  return defineJob({
    name: DIGEST_JOB,
    payload: z.object({ digestId: z.uuid() }),
    maxAttempts: 8,
    backoffMs: exponentialBackoff(10_000, 1800_000),
    handler: (p) => build(p.digestId),
  });
}
