/** What a token endpoint granted. All of it is secret except `expiresAt` and `scope`: seal it whole. */
export type TokenSet = {
  accessToken: string;
  refreshToken?: string;
  /** From `expires_in`; absent when the provider did not say (refresh reactively on 401). */
  expiresAt?: Date;
  /** Granted scopes, when the provider reports them. */
  scope?: string[];
  /** The entry's `extraTokenPaths` (e.g. Slack's user token), by name. */
  extraTokens: Record<string, string>;
  /** The parsed response, for `{ token: path }` account sources. Holds the tokens: never log it. */
  tokenResponse: Record<string, unknown>;
};
