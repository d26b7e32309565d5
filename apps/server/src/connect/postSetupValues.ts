import { type IntegrationDefinition, matchesInputPattern } from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';

const MAX_VALUE_LENGTH = 2000;

/**
 * The post-OAuth values of a complete-setup payload, checked against the entry's `auth.postInputs`
 * (required, pattern, length). Keys the entry does not declare (e.g. the official client's
 * `skipPostOAuthInputs`) are ignored; empty optional values are left out (the stored one stays).
 */
export function postSetupValues(
  definition: IntegrationDefinition,
  payload: Record<string, string | number | boolean>,
): Record<string, string> {
  const postInputs = definition.auth.type === 'oauth2' ? definition.auth.postInputs : [];
  const values: Record<string, string> = {};
  for (const input of postInputs) {
    const raw = payload[input.id];
    const value = raw === undefined ? '' : String(raw).trim();
    if (value === '') {
      if (input.required) {
        throw new AppError(
          'INSTALL_INPUT_INVALID',
          400,
          `"${input.title}" (${input.id}) is required to finish setting up ${definition.name}.`,
        );
      }
      continue;
    }
    if (value.length > MAX_VALUE_LENGTH || !matchesInputPattern(input, value)) {
      throw new AppError(
        'INSTALL_INPUT_INVALID',
        400,
        `"${input.title}" (${input.id}) is not a valid value for ${definition.name}.`,
      );
    }
    values[input.id] = value;
  }
  return values;
}
