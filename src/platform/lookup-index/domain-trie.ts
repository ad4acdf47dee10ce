/** Label-reversed domain trie (com -> example -> mail) for suffix matching of hosts. */

interface TrieNode<E> {
  children: Map<string, TrieNode<E>> | null;
  entries: E[] | null;
}

/** A registered domain that equals the host or is one of its parent domains. */
export interface DomainHit<E> {
  /** The registered domain (a suffix of the host). */
  readonly domain: string;
  /** Number of labels of the registered domain (its specificity). */
  readonly labels: number;
  /** Entries registered on that domain (internal array: read it, do not keep it). */
  readonly entries: readonly E[];
}

// Matched nodes of the current collect() call (synchronous, so one shared array suffices).
const scratch: TrieNode<unknown>[] = [];

function newNode<E>(): TrieNode<E> {
  return { children: null, entries: null };
}

/** Mutable trie of normalized domains; each domain holds entries keyed by assetId. */
export class DomainTrie<E extends { readonly assetId: string }> {
  private readonly root: TrieNode<E> = newNode();
  private entryCount = 0;
  private nodeCount = 1;

  /** Number of entries stored. */
  get size(): number {
    return this.entryCount;
  }

  /** Number of trie nodes (for memory estimates). */
  get nodes(): number {
    return this.nodeCount;
  }

  /** Registers entry on a normalized domain; an entry with the same assetId there is replaced. */
  add(domain: string, entry: E): void {
    let node = this.root;
    for (let end = domain.length; end > 0; ) {
      const dot = domain.lastIndexOf('.', end - 1);
      const label = domain.slice(dot + 1, end);
      node.children ??= new Map();
      let child = node.children.get(label);
      if (child === undefined) {
        child = newNode();
        node.children.set(label, child);
        this.nodeCount++;
      }
      node = child;
      end = dot;
    }
    node.entries ??= [];
    const at = node.entries.findIndex((e) => e.assetId === entry.assetId);
    if (at >= 0) node.entries[at] = entry;
    else {
      node.entries.push(entry);
      this.entryCount++;
    }
  }

  /** Removes the entry with assetId from a domain, pruning empty nodes; returns whether it existed. */
  remove(domain: string, assetId: string): boolean {
    const path: TrieNode<E>[] = [this.root];
    const labels: string[] = [];
    for (let end = domain.length, node = this.root; end > 0; ) {
      const dot = domain.lastIndexOf('.', end - 1);
      const label = domain.slice(dot + 1, end);
      const child = node.children?.get(label);
      if (child === undefined) return false;
      path.push(child);
      labels.push(label);
      node = child;
      end = dot;
    }
    const leaf = path[path.length - 1]!;
    const at = leaf.entries?.findIndex((e) => e.assetId === assetId) ?? -1;
    if (at < 0 || leaf.entries === null) return false;
    leaf.entries.splice(at, 1);
    this.entryCount--;
    if (leaf.entries.length === 0) leaf.entries = null;
    this.prune(path, labels);
    return true;
  }

  /** Entries registered on the host and on each registered parent domain, most specific first. */
  lookup(host: string): DomainHit<E>[] {
    const hits: DomainHit<E>[] = [];
    let node = this.root;
    let labels = 0;
    for (let end = host.length; end > 0 && node.children !== null; ) {
      const dot = host.lastIndexOf('.', end - 1);
      const next = node.children.get(host.slice(dot + 1, end));
      if (next === undefined) break;
      node = next;
      labels++;
      if (node.entries !== null) hits.push({ domain: dot < 0 ? host : host.slice(dot + 1), labels, entries: node.entries });
      end = dot;
    }
    return hits.reverse();
  }

  /** Appends the entries of lookup(host) to out, most specific domain first, without intermediate objects. */
  collect(host: string, out: E[]): void {
    const path = scratch as TrieNode<E>[];
    let node = this.root;
    for (let end = host.length; end > 0 && node.children !== null; ) {
      const dot = host.lastIndexOf('.', end - 1);
      const next = node.children.get(host.slice(dot + 1, end));
      if (next === undefined) break;
      node = next;
      if (node.entries !== null) path.push(node);
      end = dot;
    }
    for (let i = path.length - 1; i >= 0; i--) for (const e of path[i]!.entries!) out.push(e);
    path.length = 0;
  }

  /** Entries registered on exactly this domain. */
  exact(domain: string): readonly E[] {
    const hit = this.lookup(domain)[0];
    return hit !== undefined && hit.domain === domain ? hit.entries : [];
  }

  private prune(path: TrieNode<E>[], labels: string[]): void {
    for (let i = path.length - 1; i > 0; i--) {
      const node = path[i]!;
      if (node.entries !== null || (node.children !== null && node.children.size > 0)) return;
      const parent = path[i - 1]!;
      parent.children?.delete(labels[i - 1]!);
      if (parent.children?.size === 0) parent.children = null;
      this.nodeCount--;
    }
  }
}
