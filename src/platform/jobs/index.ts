export { defineJob, exponentialBackoff, type AnyJob, type JobContext, type JobDefinition } from './define.ts';
export { enqueue, type EnqueueOptions } from './queue.ts';
export { createWorker, type Worker } from './worker.ts';
export { createScheduler, type ScheduledTask } from './scheduler.ts';
