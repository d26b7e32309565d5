import type { SdkIntegrationState } from '@switchboard/contracts';
import { describe, expect, test } from 'vitest';
import {
  findCredential,
  normalizeIntegrationStates,
  resolveCredentialAndConfiguration,
  withoutCredential,
  withWorkflowEnabled,
} from './integrationState';
import { ids, makeSalesforceState, notConnected } from './wireFixtures';

describe('normalizeIntegrationStates', () => {
  test('computes allConfigurations and workflow maps a server left out', () => {
    const full = makeSalesforceState();
    const { allConfigurations: _configurations, configuredWorkflows: _configured, ...partial } = full;
    const normalized = normalizeIntegrationStates({ salesforce: partial as SdkIntegrationState });
    expect(normalized.salesforce?.allConfigurations.map((configuration) => configuration.id)).toEqual([
      ids.configurationA,
      ids.configurationB,
    ]);
    expect(normalized.salesforce?.configuredWorkflows).toEqual(full.workflowSettings);
  });
});

describe('findCredential', () => {
  test('by id, by externalId and by ext:-prefixed externalId', () => {
    const state = makeSalesforceState();
    expect(findCredential(state, ids.credentialB)?.id).toBe(ids.credentialB);
    expect(findCredential(state, 'acme-prod')?.id).toBe(ids.credentialA);
    expect(findCredential(state, 'ext: acme-prod')?.id).toBe(ids.credentialA);
    expect(findCredential(state, 'nope')).toBeUndefined();
  });
});

describe('resolveCredentialAndConfiguration', () => {
  const state = makeSalesforceState();
  const pick = (selection: Parameters<typeof resolveCredentialAndConfiguration>[1]) => {
    const { credential, configuration } = resolveCredentialAndConfiguration(state, selection);
    return [credential.id, configuration.id];
  };

  test('current credential and configuration by default', () => {
    expect(pick({})).toEqual([ids.credentialA, ids.configurationA]);
  });

  test('a selected credential uses its default configuration', () => {
    expect(pick({ selectedCredentialId: ids.credentialB })).toEqual([ids.credentialB, ids.configurationB]);
  });

  test('a selected configuration implies its credential', () => {
    expect(pick({ selectedConfigurationId: ids.configurationB })).toEqual([
      ids.credentialB,
      ids.configurationB,
    ]);
  });

  test('mismatched or unknown selections throw', () => {
    expect(() =>
      pick({ selectedCredentialId: ids.credentialA, selectedConfigurationId: ids.configurationB }),
    ).toThrow('Provided "selectedCredentialId" does not belong to provided "selectedConfigurationId".');
    expect(() => pick({ selectedConfigurationId: 'missing' })).toThrow(
      'Credential configuration not found for provided id: missing.',
    );
    expect(() => pick({ selectedCredentialId: 'missing' })).toThrow(
      'Credential not found for provided id: missing.',
    );
    expect(() => resolveCredentialAndConfiguration(notConnected(), {})).toThrow(
      'Unable to find credential for provided options.',
    );
  });
});

describe('withoutCredential', () => {
  test('removing the current credential promotes the first remaining one', () => {
    const next = withoutCredential(makeSalesforceState(), ids.credentialA);
    expect(next).toMatchObject({
      enabled: true,
      credentialId: ids.credentialB,
      credentialConfigId: ids.configurationB,
      credentialStatus: 'VALID',
      providerId: 'second',
      workflowSettings: {},
    });
    expect(next.allCredentials.map((credential) => credential.id)).toEqual([ids.credentialB]);
    expect(next.allConfigurations.map((configuration) => configuration.id)).toEqual([ids.configurationB]);
  });

  test('removing another credential keeps the current one', () => {
    const next = withoutCredential(makeSalesforceState(), ids.credentialB);
    expect(next.credentialId).toBe(ids.credentialA);
    expect(next.allCredentials).toHaveLength(1);
  });

  test('removing the last credential leaves a not-connected state', () => {
    const once = withoutCredential(makeSalesforceState(), ids.credentialA);
    expect(withoutCredential(once, ids.credentialB)).toEqual(notConnected());
  });
});

describe('withWorkflowEnabled', () => {
  test('updates the configuration everywhere it appears, and the top level when it is current', () => {
    const before = makeSalesforceState();
    const next = withWorkflowEnabled(before, ids.configurationA, ids.workflowSalesforce, true);
    const expected = { enabled: true, settings: {} };
    expect(next.workflowSettings[ids.workflowSalesforce]).toEqual(expected);
    expect(next.configuredWorkflows[ids.workflowSalesforce]).toEqual(expected);
    expect(next.allConfigurations[0]?.workflowSettings[ids.workflowSalesforce]).toEqual(expected);
    expect(next.allCredentials[0]?.configurations[0]?.workflowSettings[ids.workflowSalesforce]).toEqual(
      expected,
    );
    expect(next.allCredentials[0]?.config.configuredWorkflows[ids.workflowSalesforce]).toEqual(expected);
    expect(before.workflowSettings[ids.workflowSalesforce]).toBeUndefined();
  });

  test('keeps existing settings when disabling', () => {
    const next = withWorkflowEnabled(makeSalesforceState(), ids.configurationA, ids.workflowEnabled, false);
    expect(next.workflowSettings[ids.workflowEnabled]).toEqual({
      enabled: false,
      settings: { channel: 'general' },
    });
  });

  test('a non-current configuration leaves the top level alone', () => {
    const next = withWorkflowEnabled(makeSalesforceState(), ids.configurationB, ids.workflowSalesforce, true);
    expect(next.workflowSettings[ids.workflowSalesforce]).toBeUndefined();
    expect(next.allConfigurations[1]?.workflowSettings[ids.workflowSalesforce]).toEqual({
      enabled: true,
      settings: {},
    });
  });
});
