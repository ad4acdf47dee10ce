/**
 * Public surface of the constituency lookup index and the network-identifier parsing under it.
 * Pure and I/O-free, shared by the constituency module (which owns the registry and keeps the live
 * index), the event pipeline, intelligence, reports and sharing. It lives in platform so that a
 * parse thread loads it alone (measured: importing it through the constituency module also loaded
 * the HTTP, SQL and import stacks, ~40 MB of resident memory per thread).
 */
export * from './net.ts';
export { PrefixTable } from './prefix-table.ts';
export type { PrefixEntry, PrefixMatch } from './prefix-table.ts';
export { PrefixTableBuilder, buildPrefixTable } from './prefix-build.ts';
export { DomainTable } from './domain-table.ts';
export type { DomainTableOptions } from './domain-table.ts';
export { DomainTrie } from './domain-trie.ts';
export type { DomainHit } from './domain-trie.ts';
export { LookupIndex } from './lookup-index.ts';
export type { LookupIndexOptions } from './lookup-index.ts';
export type { Asset, AssetError, AssetType, IndexStats, LookupResult, Match, MatchType } from './types.ts';
