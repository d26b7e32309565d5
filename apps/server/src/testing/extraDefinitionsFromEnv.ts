import { defineIntegration, type IntegrationDefinitionInput } from '@switchboard/catalog';

/** The variable test and bench child processes take extra catalog entries from (a JSON array). */
export const EXTRA_DEFINITIONS_ENV = 'SWITCHBOARD_TEST_EXTRA_DEFINITIONS';

/** The catalog entries in SWITCHBOARD_TEST_EXTRA_DEFINITIONS, validated; none when it is unset. */
export function extraDefinitionsFromEnv(json: string | undefined) {
  if (!json) return [];
  const inputs = JSON.parse(json) as unknown;
  if (!Array.isArray(inputs)) throw new Error(`${EXTRA_DEFINITIONS_ENV} must be a JSON array`);
  return inputs.map((input) => defineIntegration(input as IntegrationDefinitionInput));
}
