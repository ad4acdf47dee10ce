import type { StixObject, Tlp } from './stix-facets.ts';

/** One stored STIX object version as sharing reads it (from the intel store). */
export type StoredVersion = {
  seq: number;
  id: string;
  type: string;
  /** The version's `modified` exactly as the object spells it (or the store's stand-in for SCOs). */
  version: string;
  dateAdded: Date;
  specVersion: string;
  tlp: Tlp;
  source: string;
  object: StixObject;
};

export type VersionMatch = 'last' | 'first' | 'all' | string;

/** What sharing needs from the intel store (wired in app.ts from src/modules/intel). */
export type IntelStorePort = {
  /** Versions in insertion (`seq`) order after `afterSeq`, filtered in SQL where the store can. */
  list(filter: {
    types?: readonly string[] | undefined;
    ids?: readonly string[] | undefined;
    versions?: readonly VersionMatch[] | undefined;
    specVersions?: readonly string[] | undefined;
    addedAfter?: Date | undefined;
    afterSeq?: number | undefined;
    tlpAllowed?: readonly Tlp[] | undefined;
    limit: number;
  }): Promise<StoredVersion[]>;
  /** The latest version of each of these ids that exists. */
  latest(ids: readonly string[]): Promise<StoredVersion[]>;
};

/** What sharing needs from the constituency. */
export type ConstituencyPort = {
  /** A synchronous test "is this address or network inside a constituent network", fresh now. */
  addressTest(): Promise<(value: string) => boolean>;
  /** Which of these lower-cased names are registered organizations. */
  organizationNames(nameKeys: readonly string[]): Promise<Set<string>>;
};
