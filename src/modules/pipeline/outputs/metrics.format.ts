/** One sample: a value with its labels. */
export type Sample = { labels: Record<string, string>; value: number };
/** A metric family of the Prometheus text exposition format (version 0.0.4). */
export type Family = { name: string; help: string; type: 'gauge' | 'counter'; samples: Sample[] };

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

// Label values escape backslash, double quote and line feed; HELP text escapes backslash and line feed.
const labelValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const helpText = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function number(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** Renders families as the Prometheus text format: HELP, TYPE, then one line per sample. */
export function renderPrometheus(families: readonly Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${helpText(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels);
      const rendered = labels.length ? `{${labels.map(([k, v]) => `${k}="${labelValue(v)}"`).join(',')}}` : '';
      out.push(`${f.name}${rendered} ${number(s.value)}`);
    }
  }
  return `${out.join('\n')}\n`;
}
