import { describe, expect, test } from 'vitest';
import { getIntegrationDefinition, listIntegrationDefinitions } from './catalog';
import { defineIntegration, type IntegrationDefinitionInput } from './integrationDefinition';
import { monogramIcon } from './monogramIcon';

/** The ExternalFilePicker integrations: what the pickers and accountAuth rely on. */
describe('file-storage entries', () => {
  test('exactly the file-storage integrations with a picker are flagged filePicker', () => {
    const flagged = listIntegrationDefinitions()
      .filter((def) => def.filePicker)
      .map((def) => def.type);
    expect(flagged).toEqual(['googledrive', 'onedrive', 'sharepoint', 'box', 'dropbox']);
    for (const type of flagged) {
      const def = getIntegrationDefinition(type);
      expect(def?.category, type).toBe('fileStorage');
      expect(def?.auth.type, type).toBe('oauth2');
    }
  });

  test('required picker init options', () => {
    const required = (type: string) => getIntegrationDefinition(type)?.filePicker?.requiredInitOptions;
    expect(required('box')).toEqual(['folderId']);
    expect(required('dropbox')).toEqual(['appKey']);
    expect(required('onedrive')).toEqual([]);
    expect(required('sharepoint')).toEqual([]);
  });

  test('Microsoft entries use the v2.0 endpoints, ask for offline_access and read the picker facts', () => {
    for (const [type, tenant] of [
      ['onedrive', 'common'],
      ['sharepoint', 'organizations'],
    ] as const) {
      const def = getIntegrationDefinition(type);
      expect(def?.auth).toMatchObject({
        type: 'oauth2',
        authorizationUrl: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/authorize`,
        tokenUrl: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`,
        refresh: { refreshToken: 'always', rotates: true },
      });
      expect(def?.auth.type === 'oauth2' && def.auth.scopes).toContain('offline_access');
      expect(def?.api.baseUrl).toBe('https://graph.microsoft.com/v1.0');
      expect(def?.api.allowedHosts).toEqual(['graph.microsoft.com']);
    }
    const onedrive = getIntegrationDefinition('onedrive');
    expect(onedrive?.account.request).toEqual({ method: 'GET', url: '/me/drive' });
    expect(onedrive?.account.providerData.driveWebUrl).toEqual({ identity: 'webUrl' });
    expect(onedrive?.filePicker?.domain).toEqual({
      fromProviderData: 'driveWebUrl',
      hosts: ['onedrive.live.com', '*.sharepoint.com'],
      fallback: 'https://onedrive.live.com',
    });
    const sharepoint = getIntegrationDefinition('sharepoint');
    expect(sharepoint?.account.request).toEqual({ method: 'GET', url: '/sites/root' });
    // The SDK's SharePoint picker reads providerData.webUrl.
    expect(sharepoint?.account.providerData.webUrl).toEqual({ identity: 'webUrl' });
  });

  test('Box rotates refresh tokens; Dropbox asks for offline access and does not rotate', () => {
    const box = getIntegrationDefinition('box');
    expect(box?.auth).toMatchObject({
      authorizationUrl: 'https://account.box.com/api/oauth2/authorize',
      tokenUrl: 'https://api.box.com/oauth2/token',
      refresh: { refreshToken: 'always', rotates: true },
    });
    expect(box?.account.request).toEqual({ method: 'GET', url: '/users/me' });
    const dropbox = getIntegrationDefinition('dropbox');
    expect(dropbox?.auth).toMatchObject({
      authorizationUrl: 'https://www.dropbox.com/oauth2/authorize',
      tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
      authorizationParams: { token_access_type: 'offline' },
      refresh: { refreshToken: 'always', rotates: false },
    });
    expect(dropbox?.account.request).toEqual({ method: 'POST', url: '/users/get_current_account' });
  });
});

function pickerEntry(domain: unknown): IntegrationDefinitionInput {
  return {
    type: 'acmedrive',
    name: 'Acme Drive',
    brandColor: '#123456',
    icon: monogramIcon('AD', '#123456'),
    category: 'fileStorage',
    description: 'Acme Drive.',
    overview: 'Pick Acme files.',
    docsUrl: 'https://developer.acme.test/docs',
    auth: {
      type: 'oauth2',
      authorizationUrl: 'https://login.acme.test/authorize',
      tokenUrl: 'https://login.acme.test/token',
      clientAuthentication: 'body',
      pkce: true,
      refresh: { refreshToken: 'always', rotates: false },
    },
    api: { baseUrl: 'https://api.acme.test', allowedHosts: ['api.acme.test'] },
    account: {
      request: { method: 'GET', url: '/me' },
      providerData: { driveUrl: { identity: 'drive.url' } },
    },
    filePicker: { domain } as IntegrationDefinitionInput['filePicker'],
  };
}

function rejection(definition: IntegrationDefinitionInput): string {
  try {
    defineIntegration(definition);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected the definition to be rejected');
}

describe('filePicker.domain', () => {
  test('accepts a providerData URL, host patterns and an https fallback origin on them', () => {
    const def = defineIntegration(
      pickerEntry({
        fromProviderData: 'driveUrl',
        hosts: ['files.acme.test', '*.acme-files.test'],
        fallback: 'https://files.acme.test',
      }),
    );
    expect(def.filePicker?.domain?.fallback).toBe('https://files.acme.test');
  });

  test('refuses an undeclared providerData key, a fallback off the hosts, and bad shapes', () => {
    expect(
      rejection(
        pickerEntry({
          fromProviderData: 'webUrl',
          hosts: ['files.acme.test'],
          fallback: 'https://files.acme.test',
        }),
      ),
    ).toContain('filePicker.domain.fromProviderData: "webUrl" is not declared in account.providerData');
    expect(
      rejection(
        pickerEntry({
          fromProviderData: 'driveUrl',
          hosts: ['files.acme.test'],
          fallback: 'https://evil.test',
        }),
      ),
    ).toContain('filePicker.domain.fallback: host of "https://evil.test" is not covered');
    for (const fallback of [
      'http://files.acme.test',
      'https://files.acme.test/',
      'https://files.acme.test/x',
    ]) {
      expect(
        rejection(pickerEntry({ fromProviderData: 'driveUrl', hosts: ['files.acme.test'], fallback })),
        fallback,
      ).toContain('filePicker.domain.fallback: must be an https origin');
    }
    expect(
      rejection(
        pickerEntry({
          fromProviderData: 'driveUrl',
          hosts: ['{{tenant}}.acme.test'],
          fallback: 'https://a.acme.test',
        }),
      ),
    ).toContain('filePicker.domain.hosts[0]: must be a lowercase host');
  });
});
