/**
 * The media type of an attachment from its first bytes, never from its name or declared type.
 * Attachments are always served as application/octet-stream; this is for the analyst's eyes.
 */

type Magic = { type: string; at?: number; bytes: readonly number[] };

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const MAGIC: readonly Magic[] = [
  { type: 'application/pdf', bytes: ascii('%PDF-') },
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', bytes: ascii('GIF87a') },
  { type: 'image/gif', bytes: ascii('GIF89a') },
  { type: 'image/webp', at: 8, bytes: ascii('WEBP') },
  { type: 'image/tiff', bytes: [0x49, 0x49, 0x2a, 0x00] },
  { type: 'image/tiff', bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x05, 0x06] },
  { type: 'application/gzip', bytes: [0x1f, 0x8b] },
  { type: 'application/x-7z-compressed', bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { type: 'application/vnd.rar', bytes: ascii('Rar!\x1a\x07') },
  // OLE2 compound file: Outlook .msg, legacy .doc/.xls/.ppt.
  { type: 'application/x-ole-storage', bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] },
  { type: 'application/x-msdownload', bytes: ascii('MZ') },
  { type: 'application/x-elf', bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { type: 'application/vnd.tcpdump.pcap', bytes: [0xd4, 0xc3, 0xb2, 0xa1] },
  { type: 'application/vnd.tcpdump.pcap', bytes: [0xa1, 0xb2, 0xc3, 0xd4] },
  { type: 'application/x-pcapng', bytes: [0x0a, 0x0d, 0x0d, 0x0a] },
];

const MAIL_HEADERS = new Set(['received', 'return-path', 'from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'delivered-to', 'reply-to', 'content-type', 'dkim-signature', 'authentication-results', 'x-mailer', 'cc']);

function startsWith(buf: Uint8Array, m: Magic): boolean {
  const at = m.at ?? 0;
  if (buf.length < at + m.bytes.length) return false;
  if (m.type === 'image/webp' && !startsWith(buf, { type: '', bytes: ascii('RIFF') })) return false;
  return m.bytes.every((b, i) => buf[at + i] === b);
}

function decodeText(head: Uint8Array): string | null {
  if (head.includes(0)) return null;
  try {
    // A multi-byte character cut at the end of the sample is not a reason to call it binary.
    return new TextDecoder('utf-8', { fatal: true }).decode(head.length === 8192 ? head.subarray(0, trimToBoundary(head)) : head);
  } catch {
    return null;
  }
}

function trimToBoundary(head: Uint8Array): number {
  let end = head.length;
  for (let k = 0; k < 4 && end > 0 && ((head[end - 1] as number) & 0xc0) === 0x80; k++) end--;
  if (end > 0 && (head[end - 1] as number) >= 0xc0) end--;
  return end;
}

/** RFC 5322 message: it opens with a header block naming at least two well-known headers. */
function isMail(text: string): boolean {
  const block = text.replace(/^\uFEFF/, '').split(/\r?\n\r?\n/, 1)[0] ?? '';
  const lines = block.split(/\r?\n/);
  if (!/^[A-Za-z0-9-]+:/.test(lines[0] ?? '')) return false;
  let known = 0;
  for (const line of lines) {
    if (/^[ \t]/.test(line)) continue;
    const m = /^([A-Za-z0-9-]+):/.exec(line);
    if (!m) return false;
    if (MAIL_HEADERS.has((m[1] as string).toLowerCase())) known++;
  }
  return known >= 2;
}

/** Sniffs the media type from magic bytes; unknown binary is application/octet-stream. */
export function sniffType(data: Uint8Array): string {
  for (const m of MAGIC) if (startsWith(data, m)) return m.type;
  const text = decodeText(data.subarray(0, 8192));
  if (text === null) return 'application/octet-stream';
  const lead = text.replace(/^\uFEFF/, '').trimStart().slice(0, 512).toLowerCase();
  if (lead.startsWith('<!doctype html') || lead.startsWith('<html') || /^<(head|body|script|iframe)\b/.test(lead)) return 'text/html';
  if (lead.startsWith('<svg') || (lead.startsWith('<?xml') && lead.includes('<svg'))) return 'image/svg+xml';
  if (lead.startsWith('<?xml')) return 'application/xml';
  if (isMail(text)) return 'message/rfc822';
  if (lead.startsWith('{') || lead.startsWith('[')) return 'application/json';
  return 'text/plain';
}
