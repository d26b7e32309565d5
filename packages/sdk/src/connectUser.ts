import type { MeResponse, SdkIntegrationState, UserMeta } from '@switchboard/contracts';

export type SdkResource = MeResponse['resources'][number];

/** `getUser()` once authenticate() has succeeded (the seed's ParagonUser). */
export type AuthenticatedConnectUser = {
  authenticated: true;
  userId: string;
  integrations: Record<string, SdkIntegrationState>;
  meta: UserMeta;
  resources: SdkResource[];
};
export type UnauthenticatedConnectUser = { authenticated: false };
export type ConnectUser = AuthenticatedConnectUser | UnauthenticatedConnectUser;
/** The name the reference documentation uses. */
export type ParagonUser = ConnectUser;
