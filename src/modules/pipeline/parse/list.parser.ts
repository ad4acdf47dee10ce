import { normalizeDomain, parseCidr, refang } from '../../../platform/lookup-index/index.ts';
import type { FeedIdentity, HarmonizedEvent, LineError, ParsedChunk, ParsedEvent, RawChunk } from '../pipeline.types.ts';
import type { ListConfig } from './config.schema.ts';
import { EventFactory, fieldError, lineError, type FieldProblem } from './event.ts';
import { Invalid } from './invalid.ts';
import { setField } from './json-record.ts';
import { chunkBuffer, forEachLine } from './lines.ts';
import type { ParseContext, Parser } from './parser.types.ts';
import { validateIp } from './validate.ts';

type Entry = { value: string; comment: string };

/** Cuts a list line into its value and trailing comment; null for comment-only lines. */
export function listEntry(text: string): Entry | null {
  const s = text.trim();
  if (s === '' || s.startsWith('#') || s.startsWith(';') || s.startsWith('//')) return null;
  const hash = s.search(/\s#/);
  const body = hash < 0 ? s : s.slice(0, hash);
  const comment = hash < 0 ? '' : s.slice(hash + 2).trim();
  const space = body.search(/\s/);
  let value = space < 0 ? body : body.slice(0, space);
  let rest = space < 0 ? '' : body.slice(space).trim();
  if (!value.includes('://')) {
    const sep = value.search(/[,;|]/);
    if (sep >= 0) {
      rest = `${value.slice(sep + 1)} ${rest}`.trim();
      value = value.slice(0, sep);
    }
  }
  rest = rest.replace(/^[;,|-]\s*/, '');
  return { value: refang(value), comment: [rest, comment].filter((x) => x !== '').join(' ') };
}

type Kind = 'ip' | 'network' | 'url' | 'domain';

function kindOf(value: string): Kind | null {
  if (!(validateIp(value) instanceof Invalid)) return 'ip';
  if (/^[0-9a-f:.]+\/\d{1,3}$/i.test(value) && parseCidr(value).ok) return 'network';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.includes('/')) return 'url';
  if (normalizeDomain(value).ok) return 'domain';
  return null;
}

const FIELD: Record<Kind, string> = { ip: 'source.ip', network: 'source.network', url: 'source.url', domain: 'source.fqdn' };

/**
 * Plain lists of IPs, networks, domains or URLs, one per line: `#` comments, defanged forms
 * (hxxp, [.]) understood, text after the value kept as `event_description.text`. A URL also
 * gives its host as source.fqdn or source.ip, for enrichment. Classification defaults to
 * `blacklist` (other/other) unless the feed's constants say otherwise.
 */
export class ListParser implements Parser {
  readonly format = 'list' as const;
  readonly #config: ListConfig;
  readonly #events: EventFactory;

  constructor(config: ListConfig, feed: FeedIdentity) {
    this.#config = config;
    const constants = { 'classification.type': 'blacklist', ...config.constants };
    this.#events = new EventFactory({ ...config, constants }, feed);
  }

  get chunking() {
    return { maxLineBytes: this.#config.maxLineBytes };
  }

  checkHeader(): null {
    return null;
  }

  /** Parses a chunk of list lines. */
  parseChunk(chunk: RawChunk, ctx: ParseContext): ParsedChunk {
    const events: ParsedEvent[] = [];
    const errors: LineError[] = [];
    this.#events.begin(ctx.observedAt);
    const buf = chunkBuffer(chunk);
    forEachLine(buf, chunk.firstLine, this.#config.encoding, (text, line, start, end) => {
      const entry = listEntry(text);
      if (entry === null) return;
      const ev: HarmonizedEvent = {};
      const problem = this.#fill(ev, entry) ?? this.#events.finish(ev, this.#events.keepRaw ? buf.toString('base64', start, end) : null);
      if (problem === null) events.push({ line, event: ev });
      else if (problem.field === '') errors.push(lineError(line, text, problem.code, `Line ${line}: ${problem.message}`));
      else errors.push(fieldError(line, text, problem.field, problem));
    }, errors);
    return { events, errors };
  }

  #fill(ev: HarmonizedEvent, entry: Entry): FieldProblem | null {
    const want = this.#config.kind;
    const kind = want === 'auto' ? kindOf(entry.value) : want === 'ip' && entry.value.includes('/') ? 'network' : want;
    if (kind === null) return { field: '', code: 'list.unrecognized', message: `"${entry.value.slice(0, 60)}" is not an IP address, network, domain or URL` };
    const problem = setField(ev, this.#events, FIELD[kind], entry.value);
    if (problem !== null) return problem;
    if (kind === 'url') {
      const host = new URL(ev['source.url'] as string).hostname.replace(/^\[|\]$/g, '');
      const hostField = validateIp(host) instanceof Invalid ? 'source.fqdn' : 'source.ip';
      setField(ev, this.#events, hostField, host);
    }
    if (entry.comment !== '') ev['event_description.text'] = entry.comment;
    return null;
  }
}
