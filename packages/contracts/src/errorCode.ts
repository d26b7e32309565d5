/**
 * Every error code the API can answer with. Codes are stable strings: clients may switch on them.
 * Contract with the official client: it logs the user out on any 401/403 from a non-proxy route,
 * so only genuine authentication failures use 401 (`AUTH_*`), and "not yours" is always 404.
 */
export const errorCodes = [
  'AUTH_TOKEN_MISSING',
  'AUTH_TOKEN_MALFORMED',
  'AUTH_TOKEN_ALGORITHM',
  'AUTH_TOKEN_SIGNATURE',
  'AUTH_TOKEN_EXPIRED',
  'AUTH_TOKEN_CLAIMS',
  'AUTH_TOKEN_AUDIENCE',
  'AUTH_API_KEY_INVALID',
  'AUTH_ADMIN_KEY_INVALID',
  'FORBIDDEN',
  'VALIDATION_FAILED',
  'ROUTE_NOT_FOUND',
  'PROJECT_NOT_FOUND',
  'INTEGRATION_NOT_IN_CATALOG',
  'INTEGRATION_NOT_FOUND',
  'INTEGRATION_NOT_INSTALLED',
  'CREDENTIAL_NOT_FOUND',
  'CONFIGURATION_NOT_FOUND',
  'WORKFLOW_NOT_FOUND',
  'SIGNING_KEY_INVALID',
  'SIGNING_KEY_NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'CONFLICT',
  'DATA_DIR_LOCKED',
  'SERVER_UNREACHABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];
