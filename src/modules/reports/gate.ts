import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../platform/errors.ts';
import type { AppEnv } from '../../platform/http/context.ts';

/** A counting semaphore that never queues: a caller either gets a slot now or is told no. */
export function createGate(capacity: number) {
  let active = 0;
  return {
    tryEnter(): boolean {
      if (active >= capacity) return false;
      active++;
      return true;
    },
    leave(): void {
      active = Math.max(0, active - 1);
    },
    get active() {
      return active;
    },
  };
}

export type Gate = ReturnType<typeof createGate>;

/**
 * Public requests run inside the gate; over capacity they get 503 `report.busy` at once, so a flood
 * of reports waits neither for nor on the database connections the analysts' API uses.
 */
export function gated(gate: Gate, retryAfterSeconds = 5): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!gate.tryEnter()) {
      c.header('Retry-After', String(retryAfterSeconds));
      throw new AppError('report.busy', 'Too many reports are arriving right now; try again in a few seconds', 503, { retryAfterSeconds });
    }
    try {
      await next();
    } finally {
      gate.leave();
    }
  };
}
