import { getIntegrationDefinition } from '@switchboard/catalog';
import { describe, expect, test } from 'vitest';
import { presentAccountAuth } from './presentAccountAuth';

const onedrive = getIntegrationDefinition('onedrive')!;
const box = getIntegrationDefinition('box')!;

describe('presentAccountAuth', () => {
  test('OneDrive for Business: DOMAIN is the origin of the drive on SharePoint', () => {
    expect(
      presentAccountAuth(
        onedrive,
        { driveWebUrl: 'https://contoso-my.sharepoint.com/personal/megan_contoso_com/Documents' },
        'tok',
      ),
    ).toEqual({ OAUTH_ACCESS_TOKEN: 'tok', DOMAIN: 'https://contoso-my.sharepoint.com' });
  });

  test('OneDrive personal: onedrive.live.com, whatever the drive URL looks like', () => {
    for (const driveWebUrl of [
      'https://onedrive.live.com/?cid=0f040c7b95be9d4b',
      'https://1drv.ms/f/s!abc',
    ]) {
      expect(presentAccountAuth(onedrive, { driveWebUrl }, 'tok').DOMAIN, driveWebUrl).toBe(
        'https://onedrive.live.com',
      );
    }
  });

  test('a URL that could send the token elsewhere falls back to onedrive.live.com', () => {
    for (const driveWebUrl of [
      'http://contoso-my.sharepoint.com/x',
      'https://contoso-my.sharepoint.com:8443/x',
      'https://user:pw@contoso-my.sharepoint.com/x',
      'https://sharepoint.com.evil.test/x',
      'https://evil.test/https://contoso-my.sharepoint.com',
      'not a url',
    ]) {
      expect(presentAccountAuth(onedrive, { driveWebUrl }, 'tok').DOMAIN, driveWebUrl).toBe(
        'https://onedrive.live.com',
      );
    }
    expect(presentAccountAuth(onedrive, {}, 'tok').DOMAIN).toBe('https://onedrive.live.com');
    expect(presentAccountAuth(onedrive, { driveWebUrl: 42 }, 'tok').DOMAIN).toBe('https://onedrive.live.com');
  });

  test('entries without a domain rule answer the token only', () => {
    expect(presentAccountAuth(box, { email: 'a@b.c' }, 'tok')).toEqual({ OAUTH_ACCESS_TOKEN: 'tok' });
  });
});
