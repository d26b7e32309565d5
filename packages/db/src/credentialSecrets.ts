import type { Kysely } from 'kysely';
import type { CredentialStatus, Database } from './schema';

export async function findCredentialSecrets(
  db: Kysely<Database>,
  credentialId: string,
): Promise<{ sealed: string; keyId: string } | undefined> {
  return db
    .selectFrom('credentialSecrets')
    .select(['sealed', 'keyId'])
    .where('credentialId', '=', credentialId)
    .executeTakeFirst();
}

/**
 * Re-authentication of an existing credential: new secrets and account facts, status VALID again,
 * failure count reset. Configurations (User Settings, workflow state) are kept.
 */
export async function reauthenticateCredential(
  db: Kysely<Database>,
  input: {
    credentialId: string;
    sealed: { sealed: string; keyId: string };
    status: CredentialStatus;
    providerId: string | null;
    providerData: Record<string, string | number | boolean>;
    inputs: Record<string, string>;
    dateValidUntil: Date | null;
  },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('credentials')
      .set({
        status: input.status,
        providerId: input.providerId,
        providerData: JSON.stringify(input.providerData),
        inputs: JSON.stringify(input.inputs),
        dateValidUntil: input.dateValidUntil,
        dateRefreshed: new Date(),
        refreshFailureCount: 0,
        updatedAt: new Date(),
      })
      .where('id', '=', input.credentialId)
      .execute();
    await trx
      .insertInto('credentialSecrets')
      .values({ credentialId: input.credentialId, ...input.sealed })
      .onConflict((oc) =>
        oc
          .column('credentialId')
          .doUpdateSet({ sealed: input.sealed.sealed, keyId: input.sealed.keyId, updatedAt: new Date() }),
      )
      .execute();
  });
}
