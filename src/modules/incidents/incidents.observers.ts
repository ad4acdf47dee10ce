import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Observable } from './incidents.observables.ts';

/** Incidents that gained observables, each with the observables it gained (already stored). */
export type ObservablesAdded = readonly { id: string; observables: readonly Observable[] }[];

/**
 * Told, in the same transaction, which observables incidents gained (create, center notification,
 * batch intake once per batch, merge, from-report); the intel module correlates them this way.
 */
export type ObservablesListener = (tx: Kysely<DB>, added: ObservablesAdded) => Promise<unknown>;

/** Calls every listener once with the incidents that gained at least one observable. */
export async function announceObservables(listeners: readonly ObservablesListener[] | undefined, tx: Kysely<DB>, added: ObservablesAdded): Promise<void> {
  if (!listeners?.length) return;
  const gained = added.filter((a) => a.observables.length > 0);
  if (!gained.length) return;
  for (const listener of listeners) await listener(tx, gained);
}
