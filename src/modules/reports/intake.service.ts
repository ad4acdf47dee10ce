import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, isUniqueViolation, notFound } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AuditService } from '../audit/index.ts';
import { CATEGORIES, CATEGORY_KEYS, CHILD_ABUSE, isCategory, type CategoryKey } from './categories.ts';
import type { Keyring } from './keys.ts';
import { collectObservables, type Observable } from './observables.ts';
import { issueChallenge, verifySolution, type Verified } from './pow.ts';
import type { ReportsRepository } from './reports.repository.ts';
import type { ReportSubmission } from './reports.schemas.ts';
import { sniffType } from './sniff.ts';
import { hashSecret, newSecret, newTrackingCode, normalizeTrackingCode, sameDigest } from './tokens.ts';

/** A file of a multipart submission; its bytes are read only if the report keeps attachments. */
export type IncomingFile = { filename: string; declaredType: string | null; size: number; read(): Promise<Uint8Array> };
/** Who is calling: the peer address (hashed before use), the user agent and the request id. */
export type Client = { ip: string; userAgent: string | null; requestId: string };

export type IntakeSettings = {
  powDifficulty: number;
  powTtlSeconds: number;
  reportsPerWindow: number;
  reportWindowSeconds: number;
  statusFailuresPerWindow: number;
  statusWindowSeconds: number;
  maxObservables: number;
  statusUrl: string;
};

type Deps = { db: Kysely<DB>; repo: ReportsRepository; audit: AuditService; clock: Clock; keys: Keyring; settings: IntakeSettings; log: Logger };

type Checked = { category: CategoryKey; description: string; observables: Observable[]; truncated: boolean; dropped: number; isChildAbuse: boolean };
type Admitted = { pow: Verified; addressHash: string; rateKey: string };
type Attachment = { position: number; filename: string; declaredType: string | null; data: Uint8Array; size: number; sha256: string; sniffedType: string };

const CHILD_ABUSE_NOTICE =
  'Reports about illegal content involving children keep only the web addresses (URLs) and the report metadata. Your description, attachments and any other observables were not stored. Do not download or forward such material.';
const TOO_MANY_REPORTS = 'Too many reports from your address; try again later';
// A placeholder digest compared when no report has the code, so both failures take the same path.
const NO_DIGEST = '0'.repeat(64);

function rateLimited(message: string, windowStart: Date, windowSeconds: number, now: Date): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowSeconds * 1000 - now.getTime()) / 1000));
  return new AppError('report.rate_limited', message, 429, { retryAfterSeconds });
}

/** Category, observables and the child-abuse rule: pure checks, before anything costs the server. */
function check(form: ReportSubmission, maxObservables: number): Checked {
  if (!isCategory(form.category)) {
    throw new AppError('report.unknown_category', `Unknown category "${form.category.slice(0, 64)}"`, 400, { allowed: CATEGORY_KEYS });
  }
  const description = form.description?.trim() ?? '';
  const collected = collectObservables(form.observables ?? [], description, maxObservables);
  if (description === '' && collected.observables.length === 0) {
    throw new AppError('report.empty', 'Describe what happened or give at least one URL, address or other observable', 400);
  }
  const isChildAbuse = form.category === CHILD_ABUSE;
  if (!isChildAbuse) return { category: form.category, description, ...collected, dropped: 0, isChildAbuse };
  // Only URLs and metadata are kept: a URL from the description counts, the description does not.
  const urls = collected.observables.filter((o) => o.type === 'url');
  if (urls.length === 0) throw new AppError('report.url_required', 'Give the web address (URL) where you saw the content; nothing else is kept for this category', 400);
  return { category: form.category, description, observables: urls, truncated: collected.truncated, dropped: collected.observables.length - urls.length, isChildAbuse };
}

async function readAttachments(files: IncomingFile[]): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (const [position, f] of files.entries()) {
    const data = await f.read();
    out.push({ position, filename: f.filename, declaredType: f.declaredType, data, size: data.length, sha256: createHash('sha256').update(data).digest('hex'), sniffedType: sniffType(data) });
  }
  return out;
}

export type IntakeService = ReturnType<typeof createIntakeService>;

/** Public intake: proof-of-work challenges, report submission and status lookup by tracking code. */
export function createIntakeService(deps: Deps) {
  const { db, repo, audit, clock, keys, settings, log } = deps;

  /** 429 when the counter `key` is at `limit` within its window (a read: nothing is counted). */
  async function checkRate(key: string, limit: number, windowSeconds: number, message: string) {
    const now = clock.now();
    const row = await repo.findRate(db, key);
    if (row && row.count >= limit && row.window_start.getTime() + windowSeconds * 1000 > now.getTime()) {
      throw rateLimited(message, row.window_start, windowSeconds, now);
    }
  }

  /** Honeypot and proof of work (no database), then the per-address limit (one read). */
  async function admit(form: ReportSubmission, client: Client): Promise<Admitted> {
    if (form.website?.trim()) throw new AppError('report.rejected', 'The report was rejected', 400);
    const pow = verifySolution(await keys.pow(), clock.now(), form.powChallenge, form.powNonce, settings.powDifficulty);
    const addressHash = await keys.addressHash(client.ip);
    const rateKey = `submit:${addressHash}`;
    await checkRate(rateKey, settings.reportsPerWindow, settings.reportWindowSeconds, TOO_MANY_REPORTS);
    return { pow, addressHash, rateKey };
  }

  type Plan = { id: string; trackingCode: string; secret: string; now: Date; form: ReportSubmission; checked: Checked; admitted: Admitted; attachments: Attachment[]; client: Client };

  /** One transaction: the limit counted, the challenge spent, attachments once by SHA-256, the report, its audit entry. */
  const store = (p: Plan) =>
    db.transaction().execute(async (tx) => {
      const hit = await repo.hitRate(tx, p.admitted.rateKey, p.now, settings.reportWindowSeconds * 1000);
      if (hit.count > settings.reportsPerWindow) throw rateLimited(TOO_MANY_REPORTS, hit.window_start, settings.reportWindowSeconds, p.now);
      if (!(await repo.spendChallenge(tx, p.admitted.pow.id, p.admitted.pow.expiresAt))) {
        throw new AppError('report.pow_reused', 'This proof-of-work challenge was used already; fetch a new one', 400);
      }
      // One order for every writer, so two reports sharing files cannot deadlock.
      for (const a of [...p.attachments].sort((x, y) => x.sha256.localeCompare(y.sha256))) {
        await repo.insertAttachment(tx, { sha256: a.sha256, size: a.size, sniffed_type: a.sniffedType, data: a.data, created_at: p.now });
      }
      const rsit = CATEGORIES[p.checked.category];
      const { contactName, contactEmail, contactPhone } = p.form;
      await repo.insertReport(tx, {
        id: p.id,
        tracking_code: p.trackingCode,
        secret_hash: hashSecret(p.secret) as string,
        category: p.checked.category,
        rsit_taxonomy: rsit.taxonomy,
        rsit_type: rsit.type,
        description: p.checked.isChildAbuse ? null : p.checked.description || null,
        contact_name: contactName || null,
        contact_email: contactEmail || null,
        contact_phone: contactPhone || null,
        observables: JSON.stringify(p.checked.observables),
        status: 'received',
        public_status_note: null,
        client_ip_hash: p.admitted.addressHash,
        user_agent: p.client.userAgent?.slice(0, 512) ?? null,
        created_at: p.now,
        updated_at: p.now,
        incident_id: null,
      });
      await repo.linkAttachments(tx, p.attachments.map((a) => ({ report_id: p.id, sha256: a.sha256, position: a.position, filename: a.filename, declared_type: a.declaredType })));
      // Metadata only: the audit chain is immutable, so no description or contact details go in it.
      await audit.append(tx, { userId: null, label: 'public', requestId: p.client.requestId }, {
        action: 'report.received',
        entityType: 'report',
        entityId: p.id,
        after: { trackingCode: p.trackingCode, category: p.checked.category, rsit, observables: p.checked.observables.length, attachments: p.attachments.map((a) => a.sha256), anonymous: !(contactName || contactEmail || contactPhone) },
      });
    });

  return {
    async challenge() {
      return issueChallenge(await keys.pow(), clock.now(), settings.powDifficulty, settings.powTtlSeconds);
    },

    /**
     * Files a public report: pure checks, honeypot and proof of work first (no database), then the
     * per-address limit, then one transaction. The secret in the answer is never stored.
     */
    async submit(form: ReportSubmission, files: IncomingFile[], client: Client) {
      const checked = check(form, settings.maxObservables);
      const admitted = await admit(form, client);
      const attachments = checked.isChildAbuse ? [] : await readAttachments(files);
      const plan: Plan = { id: randomUUID(), trackingCode: newTrackingCode(), secret: newSecret(), now: clock.now(), form, checked, admitted, attachments, client };
      for (let attempt = 1; ; attempt++) {
        try {
          await store(plan);
          break;
        } catch (err) {
          // 40 random bits: a collision is rare, and a new code settles it.
          if (attempt >= 3 || !isUniqueViolation(err, 'reports_tracking_code_key')) throw err;
          plan.trackingCode = newTrackingCode();
        }
      }
      log.info({ reportId: plan.id, category: checked.category, attachments: attachments.length, observables: checked.observables.length }, 'report received');
      return {
        trackingCode: plan.trackingCode,
        secret: plan.secret,
        statusUrl: `${settings.statusUrl}?code=${plan.trackingCode}`,
        createdAt: plan.now.toISOString(),
        observables: checked.observables.length,
        observablesTruncated: checked.truncated,
        ...(checked.isChildAbuse ? { discarded: { description: checked.description !== '', attachments: files.length, observables: checked.dropped }, notice: CHILD_ABUSE_NOTICE } : {}),
      };
    },

    /** The public status of a report; a wrong code or secret is the same 404, and failures are throttled per address. */
    async status(req: { trackingCode: string; secret: string }, client: Client) {
      const key = `status:${await keys.addressHash(client.ip)}`;
      await checkRate(key, settings.statusFailuresPerWindow, settings.statusWindowSeconds, 'Too many failed look-ups from your address; try again later');
      const code = normalizeTrackingCode(req.trackingCode);
      const row = code ? await repo.findByTrackingCode(db, code) : undefined;
      const digest = hashSecret(req.secret);
      const matches = sameDigest(row?.secret_hash ?? NO_DIGEST, digest ?? NO_DIGEST) && row !== undefined && digest !== null;
      if (!row || !matches) {
        await repo.hitRate(db, key, clock.now(), settings.statusWindowSeconds * 1000);
        throw notFound('report.not_found', 'No report matches this tracking code and secret');
      }
      return {
        trackingCode: row.tracking_code,
        status: row.status,
        category: row.category,
        createdAt: row.created_at.toISOString(),
        updatedAt: row.updated_at.toISOString(),
        publicNote: row.public_status_note,
      };
    },

    /** Drops expired throttling windows and spent challenges (a scheduled task). */
    purge: () => repo.purgeThrottles(db, clock.now(), Math.max(settings.reportWindowSeconds, settings.statusWindowSeconds) * 1000),
  };
}
