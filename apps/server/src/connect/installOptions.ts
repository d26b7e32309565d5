import { z } from 'zod';

/**
 * Install options as the SDKs send them (JSON in build-oauth's `installOptions`, or in a body).
 * Unknown keys (isApiInstallation, showPortalAfterInstall, …) are the client's own business.
 */
export const installOptionsSchema = z.looseObject({
  allowMultipleCredentials: z.boolean().optional(),
  selectedCredentialId: z.uuid().optional(),
  accountType: z.union([z.string().min(1).max(100), z.array(z.string().min(1).max(100))]).optional(),
  externalId: z.string().trim().min(1).max(200).optional(),
});
export type InstallOptions = z.infer<typeof installOptionsSchema>;

/** The first account type asked for (the official client allows a list). */
export function requestedAccountType(options: InstallOptions): string | undefined {
  return Array.isArray(options.accountType) ? options.accountType[0] : options.accountType;
}
