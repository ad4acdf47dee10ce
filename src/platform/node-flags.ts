/**
 * The V8 flags every Vigil process runs with: package.json's `start` and `vigil` scripts and
 * bin/vigil pass them, and so do the `bench:intel` and `bench:incidents` scripts (a unit test keeps
 * them equal to this list); bench:pipeline starts its stage processes with them. Both bound the memory a process takes around its live data:
 *
 * - `--max-semi-space-size=16`: V8 sizes the young generation from the machine's memory (64 MB
 *   semi-spaces on a 24 GB machine, 128 MB committed), far more than a chunk's short-lived events need.
 * - `--no-allocation-site-pretenuring`: V8 otherwise starts allocating an allocation site's objects
 *   straight in the old generation once many of them happen to survive a scavenge; for a parser
 *   that is every event field of the rest of the report, and the old generation then fills with
 *   garbage and grows to several times the live heap before it is collected.
 *
 * Measured with bench:pipeline stage b (1M lines, one thread): peak RSS 372-537 MB -> 249-311 MB and
 * ~25% less CPU; with 2 parse threads 661-733 -> 455-485 MB.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16', '--no-allocation-site-pretenuring'];

/** Young generation of a parse thread (MB): three semi-spaces of the same 16 MB. */
export const WORKER_YOUNG_GENERATION_MB = 48;
