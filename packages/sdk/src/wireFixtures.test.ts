import { meResponseSchema, sdkIntegrationSchema } from '@switchboard/contracts';
import { describe, expect, test } from 'vitest';
import { makeIntegrations, makeMeResponse } from './wireFixtures';

describe('test fixtures follow the wire contracts', () => {
  test('GET /sdk/me', () => {
    expect(meResponseSchema.safeParse(makeMeResponse()).error).toBeUndefined();
  });

  test('GET /sdk/integrations', () => {
    for (const integration of makeIntegrations()) {
      expect(sdkIntegrationSchema.safeParse(integration).error).toBeUndefined();
    }
  });
});
