import { AppError } from '@switchboard/contracts';
import type { CredentialConfigurationRow, CredentialWithConfigurations } from '@switchboard/db';
import { z } from 'zod';
import { defaultConfigurationOf } from './presentCredential';
import { currentCredentialOf } from './presentUserState';

const uuid = z.uuid();

export function headerValue(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.trim() || undefined;
}

/**
 * The credential a request acts on: the one named by `X-Paragon-Credential`, else the current one.
 * A header naming anything that is not this user's credential of this integration is a 404.
 */
export function selectCredential(
  credentials: CredentialWithConfigurations[],
  requestedId: string | undefined,
  integrationType: string,
): CredentialWithConfigurations {
  if (requestedId) {
    const found = uuid.safeParse(requestedId).success
      ? credentials.find((c) => c.id === requestedId)
      : undefined;
    if (!found) {
      throw new AppError(
        'CREDENTIAL_NOT_FOUND',
        404,
        `X-Paragon-Credential "${requestedId}" is not one of your ${integrationType} credentials.`,
      );
    }
    return found;
  }
  const current = currentCredentialOf(credentials);
  if (!current) {
    throw new AppError(
      'INTEGRATION_NOT_INSTALLED',
      404,
      `${integrationType} is not connected for this user; connect it first (paragon.connect("${integrationType}")).`,
    );
  }
  return current;
}

/** The configuration named by `X-Paragon-Configuration-Id`, else the credential's default one. */
export function selectConfiguration(
  credential: CredentialWithConfigurations,
  requestedId: string | undefined,
): CredentialConfigurationRow {
  if (!requestedId) return defaultConfigurationOf(credential);
  const found = credential.configurations.find((c) => c.id === requestedId);
  if (!found) {
    throw new AppError(
      'CONFIGURATION_NOT_FOUND',
      404,
      `X-Paragon-Configuration-Id "${requestedId}" is not a configuration of credential ${credential.id}.`,
    );
  }
  return found;
}
