import { sql, type Insertable, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { StoredAttachment } from './notify.attachments.ts';
import type { NotificationAttachmentRow, NotificationRow, NotificationsTable, NotificationStatus, WebhookEndpointRow } from './notify.tables.ts';

export type NotificationCursor = { t: string; i: string };
export type NewNotification = Insertable<NotificationsTable>;
export type NotifyRepository = ReturnType<typeof createNotifyRepository>;

/** Every query of the notify module. */
export function createNotifyRepository() {
  return {
    /** Inserts the row unless its dedupe key exists; returns the id of the row that holds the key. */
    async insertNotification(db: Kysely<DB>, row: NewNotification): Promise<{ id: string; isDuplicate: boolean }> {
      const inserted = await db
        .insertInto('notifications')
        .values(row)
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return { id: inserted.id, isDuplicate: false };
      const existing = await db.selectFrom('notifications').select('id').where('dedupe_key', '=', row.dedupe_key ?? null).executeTakeFirstOrThrow();
      return { id: existing.id, isDuplicate: true };
    },

    /** Stores the files of an e-mail next to its notification. */
    async insertAttachments(db: Kysely<DB>, notificationId: string, list: readonly StoredAttachment[]): Promise<void> {
      await db
        .insertInto('notification_attachments')
        .values(list.map((a, seq) => ({ notification_id: notificationId, seq, filename: a.filename, content_type: a.contentType, content: a.content, size: a.size, sha256: a.sha256 })))
        .execute();
    },

    listAttachments: (db: Kysely<DB>, notificationId: string): Promise<NotificationAttachmentRow[]> =>
      db.selectFrom('notification_attachments').selectAll().where('notification_id', '=', notificationId).orderBy('seq').execute(),

    findNotification: (db: Kysely<DB>, id: string) => db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst(),

    /** Records a delivered attempt; a no-op unless the row is still pending. */
    async markSent(db: Kysely<DB>, id: string, at: Date): Promise<void> {
      await db
        .updateTable('notifications')
        .set({ status: 'sent', sent_at: at, attempts: sql`attempts + 1`, last_error: null })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },

    /** Records a failed attempt; `isFinal` gives up on the notification. */
    async markAttemptFailed(db: Kysely<DB>, id: string, error: string, isFinal: boolean): Promise<void> {
      await db
        .updateTable('notifications')
        .set({ status: isFinal ? 'failed' : 'pending', attempts: sql`attempts + 1`, last_error: error.slice(0, 2000) })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },

    /** Gives up, without an attempt, on what is still pending for a deleted webhook endpoint. */
    async failPendingFor(db: Kysely<DB>, recipient: string, error: string): Promise<number> {
      const rows = await db
        .updateTable('notifications')
        .set({ status: 'failed', last_error: error })
        .where('recipient', '=', recipient)
        .where('channel', '=', 'webhook')
        .where('status', '=', 'pending')
        .returning('id')
        .execute();
      return rows.length;
    },

    /** Newest first, keyset-paged on (created_at, id). */
    listNotifications(db: Kysely<DB>, q: { status?: NotificationStatus | undefined; after?: NotificationCursor | undefined; limit: number }): Promise<NotificationRow[]> {
      let query = db.selectFrom('notifications').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit);
      if (q.status) query = query.where('status', '=', q.status);
      const after = q.after;
      if (after) {
        const t = new Date(after.t);
        query = query.where((eb) => eb.or([eb('created_at', '<', t), eb.and([eb('created_at', '=', t), eb('id', '<', after.i)])]));
      }
      return query.execute();
    },

    /** Active endpoints subscribed to `event` (or to every event, `*`). */
    subscribedEndpoints: (db: Kysely<DB>, event: string): Promise<WebhookEndpointRow[]> =>
      db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('is_active', '=', true)
        .where(sql<boolean>`(${event} = any(event_types) or '*' = any(event_types))`)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),

    listEndpoints: (db: Kysely<DB>): Promise<WebhookEndpointRow[]> => db.selectFrom('webhook_endpoints').selectAll().orderBy('name').orderBy('id').execute(),
    findEndpoint: (db: Kysely<DB>, id: string) => db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst(),
    insertEndpoint: async (db: Kysely<DB>, row: WebhookEndpointRow): Promise<void> => {
      await db.insertInto('webhook_endpoints').values(row).execute();
    },
    deleteEndpoint: async (db: Kysely<DB>, id: string): Promise<void> => {
      await db.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
    },
  };
}
