/** Public surface of the constituency lookup index. */
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
