import type { z } from '@hono/zod-openapi';
import type { ConnectionSchema, PushSchema } from './taxii-client.schemas.ts';
import type { ConnectionRow, PushRow } from './taxii-client.tables.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The API view of a connection: never the secret, only whether one is stored. */
export function toConnectionDto(row: ConnectionRow): z.infer<typeof ConnectionSchema> {
  return {
    id: row.id,
    partnerId: row.partner_id,
    agreementId: row.agreement_id,
    title: row.title,
    direction: row.direction,
    discoveryUrl: row.discovery_url,
    apiRootUrl: row.api_root_url,
    collectionId: row.collection_id,
    auth: { type: row.auth_type, username: row.username, hasSecret: row.secret_enc !== null },
    intervalSeconds: row.interval_seconds,
    pageSize: row.page_size,
    enabled: row.enabled,
    nextRunAt: row.next_run_at.toISOString(),
    checkpoint: { pollAddedAfter: row.poll_added_after, pushAfterSeq: Number(row.push_after_seq) },
    lastRun: { at: iso(row.last_run_at), outcome: row.last_outcome, error: row.last_error, count: row.last_count },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toPushDto(row: PushRow): z.infer<typeof PushSchema> {
  return {
    id: row.id,
    statusId: row.status_id,
    status: row.status,
    totalCount: row.total_count,
    successCount: row.success_count,
    failureCount: row.failure_count,
    pendingCount: row.pending_count,
    error: row.error,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
