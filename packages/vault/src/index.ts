export { assertValidInputs } from './assertValidInputs';
export { type BuildAuthorizationUrlOptions, buildAuthorizationUrl } from './buildAuthorizationUrl';
export {
  type ExchangeAuthorizationCodeOptions,
  exchangeAuthorizationCode,
} from './exchangeAuthorizationCode';
export { type CredentialSecrets, injectCredential } from './injectCredential';
export { createKeyring, type Keyring, type KeyringKey } from './keyring';
export { createPkcePair, type PkcePair, pkceChallenge } from './pkce';
export { type RefreshTokenSetOptions, refreshTokenSet } from './refreshTokenSet';
export {
  definitionInputs,
  renderUrlTemplate,
  type TemplateValues,
} from './renderUrlTemplate';
export { clientSecretBasic, type TokenEndpointOptions } from './requestTokens';
export {
  type AccountInfo,
  type AccountSources,
  type ProviderDataValue,
  type ResolveAccountOptions,
  readAccount,
  resolveAccount,
} from './resolveAccount';
export { isAllowedRequestUrl, resolveBaseUrl, resolveRequestUrl } from './resolveRequestUrl';
export { type RevokeTokensOptions, revokeTokens } from './revokeTokens';
export { defaultProviderTimeoutMs, type Fetch } from './sendProviderRequest';
export type { TokenSet } from './tokenSet';
export { type VerifyApiKeyOptions, verifyApiKey } from './verifyApiKey';
