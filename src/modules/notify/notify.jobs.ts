import { z } from 'zod';
import { defineJob, exponentialBackoff } from '../../platform/jobs/index.ts';
import type { Delivery } from './notify.delivery.ts';

export const DELIVER_JOB = 'notify.deliver';
/** Attempts per notification; with the backoff below a receiver may be down for about an hour. */
export const DELIVER_MAX_ATTEMPTS = 8;

export const DeliverPayload = z.object({ notificationId: z.uuid() });

/** `notify.deliver`: one attempt to send one notification, retried with backoff until the last attempt. */
export function createDeliverJob(delivery: Delivery) {
  return defineJob({
    name: DELIVER_JOB,
    payload: DeliverPayload,
    maxAttempts: DELIVER_MAX_ATTEMPTS,
    // ~30 s, 1 min, 2 min ... 32 min (with jitter): the seven waits add up to 30-60 minutes.
    backoffMs: exponentialBackoff(30_000, 3600_000),
    handler: (p, ctx) => delivery.deliver(p.notificationId, { isFinal: ctx.attempt >= DELIVER_MAX_ATTEMPTS, log: ctx.log }),
  });
}
