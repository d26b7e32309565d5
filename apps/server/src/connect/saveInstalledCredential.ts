import { randomUUID } from 'node:crypto';
import type { IntegrationInput } from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';
import {
  type Database,
  findUserCredential,
  insertCredential,
  listUserCredentials,
  reauthenticateCredential,
} from '@switchboard/db';
import type { Keyring } from '@switchboard/vault';
import type { Kysely } from 'kysely';
import { runIntegrationEnabled } from '../workflows/runIntegrationEnabled';
import { type CredentialSecrets, sealCredentialSecrets } from './credentialSecrets';
import type { InstallOptions } from './installOptions';

/**
 * Refuses an install that would add a second account unasked: a user with a VALID credential for the
 * integration must pass `allowMultipleCredentials`, or `selectedCredentialId` to re-authenticate one.
 */
export async function assertInstallable(
  db: Kysely<Database>,
  input: { connectedUserId: string; integrationId: string; integrationType: string; options: InstallOptions },
): Promise<void> {
  const credentials = await listUserCredentials(db, input.connectedUserId, {
    integrationId: input.integrationId,
  });
  const { selectedCredentialId, allowMultipleCredentials } = input.options;
  if (selectedCredentialId) {
    if (!credentials.some((c) => c.id === selectedCredentialId)) {
      throw new AppError(
        'CREDENTIAL_NOT_FOUND',
        404,
        `selectedCredentialId ${selectedCredentialId} is not one of your ${input.integrationType} credentials.`,
      );
    }
    return;
  }
  if (!allowMultipleCredentials && credentials.some((c) => c.status === 'VALID')) {
    throw new AppError(
      'INTEGRATION_ALREADY_INSTALLED',
      409,
      `${input.integrationType} is already connected; pass allowMultipleCredentials to add another account, or selectedCredentialId to reconnect one.`,
    );
  }
}

/**
 * Stores the result of an install: a new credential, or the re-authenticated selected one. A new
 * credential is VALID, or PENDING when the entry asks post-OAuth inputs (complete-setup makes it
 * VALID). Re-authentication keeps the stored post-OAuth values and is PENDING only while a required
 * one is missing (or the credential was still PENDING).
 *
 * A new VALID credential and its Integration Enabled executions are written in ONE transaction: both
 * exist or neither does, so a process that dies (or a database that refuses the executions) cannot
 * leave an installed integration whose install workflows never run. A re-authentication queues none.
 * Answers the credential's id and how many executions were queued (the caller wakes the worker).
 */
export async function saveInstalledCredential(
  deps: { db: Kysely<Database>; keyring: Keyring },
  input: {
    projectId: string;
    connectedUserId: string;
    integrationId: string;
    options: InstallOptions;
    secrets: CredentialSecrets;
    account: { providerId: string | null; providerData: Record<string, string | number | boolean> };
    inputs: Record<string, string>;
    validUntil: Date | null;
    /** Post-OAuth inputs of the entry (asked after connecting); none for API keys. */
    postInputs?: readonly IntegrationInput[];
  },
): Promise<{ credentialId: string; queued: number }> {
  const sealed = sealCredentialSecrets(deps.keyring, input.secrets);
  const postInputs = input.postInputs ?? [];
  if (input.options.selectedCredentialId) {
    const existing = await findUserCredential(
      deps.db,
      input.connectedUserId,
      input.options.selectedCredentialId,
    );
    const kept = Object.fromEntries(
      postInputs.flatMap((p) => {
        const value = existing?.inputs[p.id];
        return value === undefined ? [] : [[p.id, value] as const];
      }),
    );
    const pending =
      postInputs.length > 0 &&
      (existing?.status === 'PENDING' || postInputs.some((p) => p.required && kept[p.id] === undefined));
    await reauthenticateCredential(deps.db, {
      credentialId: input.options.selectedCredentialId,
      sealed,
      status: pending ? 'PENDING' : 'VALID',
      providerId: input.account.providerId,
      providerData: input.account.providerData,
      inputs: { ...input.inputs, ...kept },
      dateValidUntil: input.validUntil,
    });
    return { credentialId: input.options.selectedCredentialId, queued: 0 };
  }
  return deps.db.transaction().execute(async (trx) => {
    const credential = await insertCredential(trx, {
      id: randomUUID(),
      projectId: input.projectId,
      integrationId: input.integrationId,
      connectedUserId: input.connectedUserId,
      status: postInputs.length > 0 ? 'PENDING' : 'VALID',
      providerId: input.account.providerId,
      providerData: input.account.providerData,
      externalId: input.options.externalId ?? null,
      dateValidUntil: input.validUntil,
      inputs: input.inputs,
      sealedSecrets: sealed,
      defaultConfiguration: { id: randomUUID() },
    });
    const queued =
      credential.status === 'VALID'
        ? await runIntegrationEnabled(trx, {
            projectId: input.projectId,
            connectedUserId: input.connectedUserId,
            integrationId: input.integrationId,
            credentialId: credential.id,
          })
        : 0;
    return { credentialId: credential.id, queued };
  });
}
