import type { z } from '@hono/zod-openapi';
import type { Clock } from '../../platform/clock.ts';
import type { AgreementsService } from './agreements.service.ts';
import type { SharingEngine } from './engine.ts';
import { agreementStanding, type Agreement } from './policy.ts';
import type { IntelStorePort } from './ports.ts';
import type { PartnersService } from './partners.service.ts';
import type { PreviewSchema } from './sharing.schemas.ts';
import { toAgreement } from './sharing.mappers.ts';

type Preview = z.infer<typeof PreviewSchema>;
type AgreementPreview = Preview['agreements'][number];

const PAGE = 1000;
const SAMPLE = 20;

const bump = (m: Record<string, number>, k: string) => {
  m[k] = (m[k] ?? 0) + 1;
};

/**
 * "What would partner X receive now": the latest version of every stored object (the first
 * `maxScan` in insertion order) run through the same engine the TAXII server uses, counted by type
 * and TLP, with a sample and the reason for every excluded class.
 */
export function createPreviewService(deps: { store: IntelStorePort; engine: SharingEngine; partners: PartnersService; agreements: AgreementsService; clock: Clock; maxScan?: number }) {
  const { store, engine, partners, agreements, clock } = deps;
  const maxScan = deps.maxScan ?? 20_000;

  async function previewAgreement(agreement: Agreement, title: string, partnerActive: boolean): Promise<AgreementPreview & { scanned: number; truncated: boolean }> {
    const standing = agreementStanding(agreement, { now: clock.now(), partnerActive });
    const out: AgreementPreview = { agreementId: agreement.id, collectionId: agreement.collectionId, title, standing: standing ?? 'in_force', allowed: 0, sanitized: 0, byType: {}, byTlp: {}, excluded: [], sample: [] };
    const excluded = new Map<string, { count: number; types: Record<string, number> }>();
    let afterSeq = 0;
    let scanned = 0;
    let truncated = false;
    for (;;) {
      const rows = await store.list({ versions: ['last'], afterSeq, limit: Math.min(PAGE, maxScan - scanned) });
      if (!rows.length) break;
      for (const e of await engine.evaluate(agreement, partnerActive, rows)) {
        if (e.object) {
          out.allowed++;
          if (e.decision.reason === 'allowed.sanitized') out.sanitized++;
          bump(out.byType, e.row.type);
          bump(out.byTlp, e.row.tlp);
          if (out.sample.length < SAMPLE) out.sample.push(e.object);
        } else {
          const x = excluded.get(e.decision.reason) ?? { count: 0, types: {} };
          x.count++;
          bump(x.types, e.row.type);
          excluded.set(e.decision.reason, x);
        }
      }
      scanned += rows.length;
      afterSeq = rows.at(-1)!.seq;
      if (scanned >= maxScan) {
        truncated = (await store.list({ versions: ['last'], afterSeq, limit: 1 })).length > 0;
        break;
      }
    }
    out.excluded = [...excluded].map(([reason, x]) => ({ reason, ...x })).sort((a, b) => b.count - a.count);
    return { ...out, scanned, truncated };
  }

  return {
    /** The preview for every agreement of the partner. */
    async preview(partnerId: string): Promise<Preview> {
      const partner = await partners.get(partnerId);
      const rows = await agreements.ofPartner(partnerId);
      const results = [];
      for (const row of rows) results.push(await previewAgreement(toAgreement(row), row.title, partner.status === 'active'));
      return {
        partnerId,
        at: clock.now().toISOString(),
        scanned: Math.max(0, ...results.map((r) => r.scanned)),
        truncated: results.some((r) => r.truncated),
        agreements: results.map(({ scanned: _s, truncated: _t, ...r }) => r),
      };
    },
  };
}
