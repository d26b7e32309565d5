import type { Credential, PortalToSdkMessage } from '@switchboard/contracts';

/**
 * Hand-written guards for the portal → SDK messages of packages/contracts/src/portalMessage.ts (zod
 * stays out of the SDK bundle; portalMessages.test.ts checks these agree with the schemas). Strings
 * are bounded like the schemas; objects the SDK only passes on (the credential, workflow settings) are
 * checked for the fields it reads.
 */

type Rec = Record<string, unknown>;

const isRecord = (value: unknown): value is Rec =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= 200;

/** Exactly these keys (the schemas are strict: an unknown key means a message from something else). */
function hasOnlyKeys(data: Rec, allowed: readonly string[]): boolean {
  return Object.keys(data).every((key) => allowed.includes(key));
}

function isRef(data: Rec): boolean {
  return isId(data.integrationId) && isId(data.integrationType);
}

function isCredential(value: unknown): value is Credential {
  return (
    isRecord(value) &&
    isId(value.id) &&
    isId(value.integrationId) &&
    (value.status === 'VALID' || value.status === 'INVALID' || value.status === 'PENDING') &&
    Array.isArray(value.configurations)
  );
}

function isWorkflowStateChange(value: unknown): boolean {
  return (
    isRecord(value) &&
    hasOnlyKeys(value, ['enabled', 'settings']) &&
    (value.enabled === undefined || typeof value.enabled === 'boolean') &&
    (value.settings === undefined || isRecord(value.settings))
  );
}

const refKeys = ['type', 'integrationId', 'integrationType'];

const checks: { [K in PortalToSdkMessage['type']]: (data: Rec) => boolean } = {
  'switchboard:ready': (data) => hasOnlyKeys(data, ['type']),
  'switchboard:opened': (data) => hasOnlyKeys(data, refKeys) && isRef(data),
  'switchboard:closed': (data) => hasOnlyKeys(data, refKeys) && isRef(data),
  'switchboard:installed': (data) =>
    hasOnlyKeys(data, [...refKeys, 'credential']) && isRef(data) && isCredential(data.credential),
  'switchboard:uninstalled': (data) =>
    hasOnlyKeys(data, [...refKeys, 'credentialId']) && isRef(data) && isId(data.credentialId),
  'switchboard:workflow-change': (data) =>
    hasOnlyKeys(data, [...refKeys, 'workflowId', 'workflowStateChange']) &&
    isRef(data) &&
    isId(data.workflowId) &&
    isWorkflowStateChange(data.workflowStateChange),
  'switchboard:settings-change': (data) =>
    hasOnlyKeys(data, [...refKeys, 'credentialId']) && isRef(data) && isId(data.credentialId),
  'switchboard:error': (data) =>
    hasOnlyKeys(data, ['type', 'integrationType', 'message', 'code']) &&
    isId(data.integrationType) &&
    typeof data.message === 'string' &&
    data.message.length <= 2000 &&
    (data.code === undefined || (typeof data.code === 'string' && data.code.length <= 100)),
};

/** The message if `data` is a well-formed portal → SDK message, else undefined. */
export function readPortalMessage(data: unknown): PortalToSdkMessage | undefined {
  if (!isRecord(data) || typeof data.type !== 'string' || !Object.hasOwn(checks, data.type)) return undefined;
  const check = checks[data.type as PortalToSdkMessage['type']];
  return check(data) ? (data as PortalToSdkMessage) : undefined;
}
