import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { sdkVersion } from './sdkVersion';

test('sdkVersion equals the package version', () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  expect(sdkVersion).toBe(manifest.version);
});
