import { describe, expect, test } from 'vitest';
import { toIntegrationMetadata } from './integrationMetadata';
import { makeIntegrations, makeSdkIntegration } from './wireFixtures';

describe('toIntegrationMetadata', () => {
  test('lists active integrations that have a portal config, with server icon or host fallback', () => {
    expect(toIntegrationMetadata(makeIntegrations(), 'http://127.0.0.1:7070/base')).toEqual([
      {
        type: 'salesforce',
        name: 'Salesforce',
        brandColor: '#057ACF',
        icon: 'http://127.0.0.1:7070/base/integrations/salesforce.svg',
      },
      { type: 'slack', name: 'Slack', brandColor: '#4A154B', icon: 'https://cdn.example.com/slack.svg' },
    ]);
  });

  test('an entry without an icon field (the official server shape) gets the fallback', () => {
    const { icon: _icon, ...withoutIcon } = makeSdkIntegration(
      '2f08e65f-d924-42ab-9618-b6023d82ffbd',
      'google.drive',
      'Drive',
      '#fff',
    );
    expect(toIntegrationMetadata([withoutIcon as never], 'https://sb.example.com')[0]?.icon).toBe(
      'https://sb.example.com/integrations/google.drive.svg',
    );
  });

  test('an empty registry gives an empty list', () => {
    expect(toIntegrationMetadata([], 'https://sb.example.com')).toEqual([]);
  });
});
