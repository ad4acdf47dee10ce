import { isUtf8 } from 'node:buffer';
import type { LineError, RawChunk } from '../pipeline.types.ts';
import { lineError } from './event.ts';
import type { Encoding } from './lines.ts';
import { chunkBuffer, firstInvalidByte } from './lines.ts';

/** The line of a character position (1-based). */
function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Decodes and parses a whole JSON document (STIX bundle, MISP event): the chunk is the report.
 * A document that is not UTF-8 or not JSON (cut, truncated) is one LineError at the line where it
 * breaks; the caller gets null and no events.
 */
export function parseDocument(chunk: RawChunk, encoding: Encoding, errors: LineError[]): unknown {
  let buf = chunkBuffer(chunk);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
  let text: string;
  if (encoding === 'latin1') text = buf.toString('latin1');
  else if (isUtf8(buf)) text = buf.toString('utf8');
  else if (encoding === 'auto') text = new TextDecoder('windows-1252').decode(buf);
  else {
    const offset = firstInvalidByte(buf);
    const line = lineAt(buf.toString('latin1'), offset);
    errors.push(lineError(line, '', 'line.invalid_utf8', `The document is not valid UTF-8 (byte ${offset})`));
    return null;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const pos = /position (\d+)/.exec(message);
    const line = pos ? lineAt(text, Number(pos[1])) : Math.max(1, lineAt(text, text.length));
    const start = text.lastIndexOf('\n', pos ? Number(pos[1]) : text.length - 1) + 1;
    errors.push(lineError(line, text.slice(start, start + 200), 'json.invalid', `The document is not valid JSON (${message}; cut or truncated?)`));
    return null;
  }
}

/** Base64 of an object's JSON, as the `raw` of the event it gave. */
export function rawOf(obj: unknown): string {
  return Buffer.from(JSON.stringify(obj)).toString('base64');
}
