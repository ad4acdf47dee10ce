import { createHash } from 'node:crypto';
import { AppError } from '../../platform/errors.ts';
import type { EmailAttachment } from './notify.schemas.ts';

export const MAX_ATTACHMENTS = 20;
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(\s*;\s*[a-z0-9_.-]+=("[^"\r\n]*"|[a-z0-9_.+-]+))*$/i;

/** An attachment as stored in the outbox. */
export type StoredAttachment = { filename: string; contentType: string; content: Buffer; size: number; sha256: string };

/** Validates the attachments of an e-mail (names without control characters, MIME types, sizes). */
export function checkAttachments(list: readonly EmailAttachment[]): StoredAttachment[] {
  if (list.length > MAX_ATTACHMENTS) throw new AppError('notify.too_many_attachments', `At most ${MAX_ATTACHMENTS} attachments per e-mail`, 400);
  let total = 0;
  return list.map((a, i) => {
    const filename = a.filename.trim();
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (!filename || filename.length > 200 || /[\x00-\x1f\x7f/\\]/.test(filename)) {
      throw new AppError('notify.invalid_attachment', `Attachment ${i + 1}: the file name must be 1-200 characters without control characters or slashes`, 400, { index: i, field: 'filename' });
    }
    if (!CONTENT_TYPE.test(a.contentType)) throw new AppError('notify.invalid_attachment', `Attachment ${i + 1}: not a MIME type: ${a.contentType.slice(0, 100)}`, 400, { index: i, field: 'contentType' });
    total += a.content.byteLength;
    if (total > MAX_ATTACHMENT_BYTES) throw new AppError('notify.attachments_too_large', `Attachments may hold at most ${MAX_ATTACHMENT_BYTES} bytes together`, 400);
    const content = Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength);
    return { filename, contentType: a.contentType, content, size: content.length, sha256: createHash('sha256').update(content).digest('hex') };
  });
}
