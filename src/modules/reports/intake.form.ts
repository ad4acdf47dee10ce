/** Reads a multipart/form-data submission into the same shape as the JSON one, plus its files. */
import type { Context } from 'hono';
import { AppError, validationFailed } from '../../platform/errors.ts';
import type { IncomingFile } from './intake.service.ts';
import { ReportSubmission } from './reports.schemas.ts';

export type FileLimits = { maxFiles: number; maxFileBytes: number };


/** The last path segment, without control characters, at most 255 characters. */
export function cleanFilename(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const clean = [...base]
    .filter((ch) => ch.charCodeAt(0) > 0x1f && ch !== '\u007f')
    .join('')
    .trim()
    .slice(0, 255);
  return clean === '' || clean === '.' || clean === '..' ? 'attachment' : clean;
}

function cleanType(type: string): string | null {
  const t = type.trim().toLowerCase();
  return /^[a-z0-9!#$&^_.+-]{1,127}\/[a-z0-9!#$&^_.+-]{1,127}(;.{0,200})?$/.test(t) ? t : null;
}

type Parsed = { form: ReportSubmission; files: IncomingFile[] };

async function readFormData(c: Context): Promise<FormData> {
  try {
    return await c.req.raw.formData();
  } catch {
    throw new AppError('report.invalid_multipart', 'The multipart/form-data body could not be read', 400);
  }
}

/**
 * Text fields are taken once each; `observables` may repeat and each value may hold one observable
 * per line; files are accepted only under `attachments`.
 */
export async function readMultipart(c: Context, limits: FileLimits): Promise<Parsed> {
  const data = await readFormData(c);
  const fields: Record<string, unknown> = {};
  const observables: string[] = [];
  const files: File[] = [];
  const issues: { path: string; message: string }[] = [];
  for (const [name, value] of data.entries()) {
    if (typeof value !== 'string') {
      if (name !== 'attachments') issues.push({ path: name, message: 'Files are accepted only in the "attachments" field' });
      else if (!(value.size === 0 && value.name === '')) files.push(value);
    } else if (name === 'observables') {
      observables.push(...value.split(/\r?\n/).filter((line) => line.trim() !== ''));
    } else if (Object.hasOwn(fields, name)) {
      issues.push({ path: name, message: 'Given more than once' });
    } else {
      fields[name] = value;
    }
  }
  if (issues.length) throw validationFailed(issues);
  if (files.length > limits.maxFiles) {
    throw new AppError('report.too_many_attachments', `At most ${limits.maxFiles} attachments per report`, 400, { maxFiles: limits.maxFiles, given: files.length });
  }
  const big = files.find((f) => f.size > limits.maxFileBytes);
  if (big) {
    throw new AppError('report.attachment_too_large', `"${cleanFilename(big.name)}" is larger than ${limits.maxFileBytes} bytes`, 413, { filename: cleanFilename(big.name), maxBytes: limits.maxFileBytes });
  }
  if (observables.length) fields.observables = observables;
  const parsed = ReportSubmission.safeParse(fields);
  if (!parsed.success) throw validationFailed(parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message })));
  return {
    form: parsed.data,
    files: files.map((f) => ({ filename: cleanFilename(f.name), declaredType: cleanType(f.type), size: f.size, read: async () => new Uint8Array(await f.arrayBuffer()) })),
  };
}
