import { type IntegrationInput, matchesInputPattern } from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';

/* biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused */
const controlCharacters = /[\u0000-\u001f\u007f]/;

function describeInput(input: IntegrationInput): string {
  return `"${input.title}" (${input.id})`;
}

/**
 * Checks user-supplied values against the entry's inputs (pre-OAuth inputs or API-key fields): each
 * present value must match its input's `pattern` (which is what keeps a templated host inside its
 * allowed hosts) and hold no control characters (values end up in URLs and headers). With
 * `requireAll`, required inputs must be present. Messages name the input, never echo the value.
 */
export function assertValidInputs(
  inputs: readonly IntegrationInput[],
  values: Readonly<Record<string, string | undefined>>,
  options: { requireAll: boolean },
): void {
  for (const input of inputs) {
    const value = values[input.id];
    if (value === undefined || value === '') {
      if (options.requireAll && input.required) {
        throw new AppError('INSTALL_INPUT_INVALID', 400, `${describeInput(input)} is required.`);
      }
      continue;
    }
    if (controlCharacters.test(value)) {
      throw new AppError(
        'INSTALL_INPUT_INVALID',
        400,
        `${describeInput(input)} contains control characters (line breaks, tabs); paste the value again.`,
      );
    }
    if (!matchesInputPattern(input, value)) {
      throw new AppError(
        'INSTALL_INPUT_INVALID',
        400,
        `${describeInput(input)} is not valid: it must match the pattern ${input.pattern ?? ''}.`,
      );
    }
  }
}
