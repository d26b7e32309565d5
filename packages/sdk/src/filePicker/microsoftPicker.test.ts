import { describe, expect, test } from 'vitest';
import { microsoftPickerUrl } from './microsoftPicker';

const account = (fields: { domain?: string; webUrl?: string }) => ({
  accessToken: 't',
  domain: fields.domain,
  webUrl: fields.webUrl,
});

describe('the Microsoft picker page', () => {
  test('OneDrive: consumer by default, business under accountAuth.DOMAIN', () => {
    expect(microsoftPickerUrl('onedrive', account({}))).toBe('https://onedrive.live.com/picker');
    expect(microsoftPickerUrl('onedrive', account({ domain: 'https://onedrive.live.com/' }))).toBe(
      'https://onedrive.live.com/picker',
    );
    expect(microsoftPickerUrl('onedrive', account({ domain: 'https://contoso-my.sharepoint.com' }))).toBe(
      'https://contoso-my.sharepoint.com/_layouts/15/FilePicker.aspx',
    );
  });

  test('SharePoint: the site of providerData.webUrl, https-prefixed', () => {
    expect(microsoftPickerUrl('sharepoint', account({ webUrl: 'contoso.sharepoint.com/sites/dev' }))).toBe(
      'https://contoso.sharepoint.com/sites/dev/_layouts/15/FilePicker.aspx',
    );
    expect(() =>
      microsoftPickerUrl('sharepoint', account({ webUrl: 'http://contoso.example/sites/dev' })),
    ).toThrow('The Microsoft picker needs an https site, not http://contoso.example/sites/dev');
    expect(() => microsoftPickerUrl('sharepoint', account({}))).toThrow(
      'The SharePoint account has no site URL (providerData.webUrl): reconnect SharePoint.',
    );
  });
});
