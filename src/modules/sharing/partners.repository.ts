import type { Insertable, Kysely, Updateable } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withPartnerColumn, type AgreementRow, type PartnerRow, type PartnersTable, type SharingAgreementsTable } from './sharing.tables.ts';

export type PartnersRepository = ReturnType<typeof createPartnersRepository>;

/** SQL of partners, their accounts and agreements. */
export function createPartnersRepository() {
  return {
    listPartners: (db: Kysely<DB>): Promise<PartnerRow[]> => db.selectFrom('partners').selectAll().orderBy('name_key').execute(),
    findPartner: (db: Kysely<DB>, id: string) => db.selectFrom('partners').selectAll().where('id', '=', id).executeTakeFirst(),
    insertPartner: (db: Kysely<DB>, row: Insertable<PartnersTable>) => db.insertInto('partners').values(row).execute(),
    updatePartner: (db: Kysely<DB>, id: string, patch: Updateable<PartnersTable>) =>
      db.updateTable('partners').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    /** The partner an account belongs to (null for accounts of no partner). */
    async partnerIdOfUser(db: Kysely<DB>, userId: string): Promise<string | null> {
      const row = await withPartnerColumn(db).selectFrom('users').select('partner_id').where('id', '=', userId).executeTakeFirst();
      return row?.partner_id ?? null;
    },
    setUserPartner: (db: Kysely<DB>, userId: string, partnerId: string) =>
      withPartnerColumn(db).updateTable('users').set({ partner_id: partnerId }).where('id', '=', userId).execute(),
    listAccounts: (db: Kysely<DB>, partnerId: string) =>
      withPartnerColumn(db).selectFrom('users').select(['id', 'email', 'name', 'is_active', 'created_at']).where('partner_id', '=', partnerId).orderBy('email_key').execute(),
    listAgreements: (db: Kysely<DB>, partnerId: string): Promise<AgreementRow[]> =>
      db.selectFrom('sharing_agreements').selectAll().where('partner_id', '=', partnerId).orderBy('created_at').orderBy('id').execute(),
    findAgreement: (db: Kysely<DB>, id: string) => db.selectFrom('sharing_agreements').selectAll().where('id', '=', id).executeTakeFirst(),
    insertAgreement: (db: Kysely<DB>, row: Insertable<SharingAgreementsTable>) => db.insertInto('sharing_agreements').values(row).execute(),
    updateAgreement: (db: Kysely<DB>, id: string, patch: Updateable<SharingAgreementsTable>) =>
      db.updateTable('sharing_agreements').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
  };
}
