/**
 * One CSV record per line (RFC 4180 quoting: a quoted field may hold the delimiter and doubled
 * quotes). Records spanning lines are not supported: an unbalanced quote is an error of its line,
 * which is also what a file cut in the middle of a record looks like.
 */

/** Splits a line into its fields; returns null when a quoted field is not closed on this line. */
export function splitCsvLine(line: string, delimiter: string, quote: string): string[] | null {
  if (line.indexOf(quote) < 0) return line.split(delimiter);
  return splitQuoted(line, delimiter, quote.charCodeAt(0), quote);
}

// String.indexOf (vectorized in V8) finds delimiters and quotes; no per-character loop in JS.
function splitQuoted(line: string, delimiter: string, quote: number, quoteText: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && line.charCodeAt(i) === 32 && line.charCodeAt(i + 1) === quote) i++;
    if (i < n && line.charCodeAt(i) === quote) {
      let value = '';
      let start = ++i;
      for (;;) {
        const q = line.indexOf(quoteText, i);
        if (q < 0) return null;
        if (line.charCodeAt(q + 1) === quote) {
          value += line.slice(start, q + 1);
          i = start = q + 2;
          continue;
        }
        value += line.slice(start, q);
        i = q + 1;
        break;
      }
      // Anything between the closing quote and the delimiter is kept, as lenient parsers do.
      const d = indexOfOrEnd(line, delimiter, i);
      out.push(d === i ? value : value + line.slice(i, d));
      if (d >= n) return out;
      i = d + 1;
    } else {
      const d = indexOfOrEnd(line, delimiter, i);
      out.push(line.slice(i, d));
      if (d >= n) return out;
      i = d + 1;
    }
  }
}

function indexOfOrEnd(s: string, delimiter: string, from: number): number {
  const d = s.indexOf(delimiter, from);
  return d < 0 ? s.length : d;
}
