import { portalToSdkMessageSchema, sdkToPortalMessageSchema } from '@switchboard/contracts';
import { describe, expect, test } from 'vitest';
import { readPortalMessage } from './portalMessages';
import { ids, makeSalesforceState } from './wireFixtures';

const ref = { integrationId: ids.salesforce, integrationType: 'salesforce' };
const credential = makeSalesforceState().allCredentials[0];

const valid: Record<string, unknown>[] = [
  { type: 'switchboard:ready' },
  { type: 'switchboard:opened', ...ref },
  { type: 'switchboard:closed', ...ref },
  { type: 'switchboard:installed', ...ref, credential },
  { type: 'switchboard:uninstalled', ...ref, credentialId: ids.credentialA },
  {
    type: 'switchboard:workflow-change',
    ...ref,
    workflowId: ids.workflowSalesforce,
    workflowStateChange: { enabled: true },
  },
  {
    type: 'switchboard:workflow-change',
    ...ref,
    workflowId: ids.workflowSalesforce,
    workflowStateChange: { settings: { channel: 'general', limit: 3, nested: { a: [1] } } },
  },
  { type: 'switchboard:settings-change', ...ref, credentialId: ids.credentialA },
  { type: 'switchboard:error', integrationType: 'salesforce', message: 'Access denied' },
  { type: 'switchboard:error', integrationType: 'salesforce', message: '', code: 'OAUTH_PROVIDER_ERROR' },
];

const invalid: unknown[] = [
  null,
  undefined,
  'switchboard:ready',
  [],
  [{ type: 'switchboard:ready' }],
  {},
  { type: 'switchboard:unknown' },
  { type: 'toString' },
  { type: '__proto__' },
  { type: 'oauth-nonce-loaded' },
  { type: 'switchboard:ready', extra: true },
  { type: 'switchboard:opened', integrationId: ids.salesforce },
  { type: 'switchboard:opened', ...ref, integrationType: '' },
  { type: 'switchboard:opened', ...ref, integrationType: 'x'.repeat(201) },
  { type: 'switchboard:opened', ...ref, integrationId: 42 },
  { type: 'switchboard:installed', ...ref },
  { type: 'switchboard:installed', ...ref, credential: { id: ids.credentialA } },
  { type: 'switchboard:installed', ...ref, credential: { ...credential, status: 'NOPE' } },
  { type: 'switchboard:installed', ...ref, credential: { ...credential, configurations: {} } },
  { type: 'switchboard:uninstalled', ...ref },
  { type: 'switchboard:workflow-change', ...ref, workflowId: ids.workflowSalesforce },
  {
    type: 'switchboard:workflow-change',
    ...ref,
    workflowId: ids.workflowSalesforce,
    workflowStateChange: { enabled: 'yes' },
  },
  {
    type: 'switchboard:workflow-change',
    ...ref,
    workflowId: ids.workflowSalesforce,
    workflowStateChange: { enabled: true, other: 1 },
  },
  {
    type: 'switchboard:workflow-change',
    ...ref,
    workflowId: ids.workflowSalesforce,
    workflowStateChange: { settings: [] },
  },
  { type: 'switchboard:settings-change', ...ref, credentialId: '' },
  { type: 'switchboard:error', integrationType: 'salesforce' },
  { type: 'switchboard:error', integrationType: 'salesforce', message: 'x'.repeat(2001) },
  { type: 'switchboard:error', integrationType: 'salesforce', message: 'm', code: 7 },
  { type: 'switchboard:error', ...ref, message: 'm' },
];

describe('readPortalMessage (the SDK guard) and portalToSdkMessageSchema agree', () => {
  test.each(valid.map((message) => [message.type, message]))('accepts %s', (_type, message) => {
    expect(portalToSdkMessageSchema.safeParse(message).success).toBe(true);
    expect(readPortalMessage(message)).toEqual(message);
  });

  test.each(invalid.map((message, index) => [index, message]))('rejects sample %i', (_index, message) => {
    expect(portalToSdkMessageSchema.safeParse(message).success).toBe(false);
    expect(readPortalMessage(message)).toBeUndefined();
  });
});

describe('sdkToPortalMessageSchema', () => {
  const init = {
    type: 'switchboard:init',
    projectId: '908f4c5e-6394-46a5-9355-3f729edbd160',
    token: 'a.b.c',
    integrationType: 'slack',
    installOptions: {
      accountType: 'default',
      allowMultipleCredentials: true,
      selectedCredentialId: ids.credentialA,
      dropdowns: { channels: [{ label: '#general', value: 'C1' }] },
      closeAfterInstall: true,
    },
    theme: 'dark',
  };

  test('accepts init and close', () => {
    expect(sdkToPortalMessageSchema.parse(init)).toEqual(init);
    expect(sdkToPortalMessageSchema.parse({ ...init, installOptions: {}, theme: 'system' })).toBeTruthy();
    expect(sdkToPortalMessageSchema.parse({ type: 'switchboard:close' })).toEqual({
      type: 'switchboard:close',
    });
  });

  test.each([
    ['an unknown type', { type: 'switchboard:open' }],
    ['a project id that is not a UUID', { ...init, projectId: 'p1' }],
    ['an empty token', { ...init, token: '' }],
    ['an unknown theme', { ...init, theme: 'sepia' }],
    ['callbacks in the install options', { ...init, installOptions: { onSuccess: 'fn' } }],
    [
      'a dropdown loader instead of options',
      { ...init, installOptions: { dropdowns: { channels: 'load' } } },
    ],
    [
      'an option without a label',
      { ...init, installOptions: { dropdowns: { channels: [{ value: 'C1' }] } } },
    ],
    ['an extra key', { ...init, origin: 'https://evil.example' }],
    ['close with data', { type: 'switchboard:close', now: true }],
  ])('rejects %s', (_name, message) => {
    expect(sdkToPortalMessageSchema.safeParse(message).success).toBe(false);
  });
});
