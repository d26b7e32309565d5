import type { ConnectInput, ConnectInputValue, DropdownOption } from '@switchboard/contracts';

/**
 * User Settings between their stored form (JSON in `sharedSettings` / `workflowSettings[id].settings`)
 * and a form: BOOLEAN is a checkbox (`boolean`), everything else a string field. Validation follows
 * the input's type and is the same before every save.
 */

export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;
export type FormErrors = Record<string, string>;

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The options a dropdown input offers: ENUM's own, or the app's for a CUSTOM_DROPDOWN key. */
export function optionsOf(
  input: ConnectInput,
  dropdowns: Record<string, DropdownOption[]> | undefined,
): DropdownOption[] | undefined {
  if (input.type === 'ENUM') return input.options ?? [];
  if (input.type === 'CUSTOM_DROPDOWN') return input.dropdownKey ? dropdowns?.[input.dropdownKey] : undefined;
  return undefined;
}

/** The form value of a stored value (or the input's default when nothing is stored). */
export function toFormValue(input: ConnectInput, stored: ConnectInputValue | undefined): FormValue {
  const value = stored === undefined || stored === null ? input.defaultValue : stored;
  if (input.type === 'BOOLEAN') return value === true || value === 'true';
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function initialFormValues(
  inputs: ConnectInput[],
  stored: Record<string, ConnectInputValue> | undefined,
): FormValues {
  return Object.fromEntries(inputs.map((input) => [input.id, toFormValue(input, stored?.[input.id])]));
}

/** An error message for the value, or undefined when it is acceptable. */
export function validateSetting(
  input: ConnectInput,
  value: FormValue,
  options?: DropdownOption[],
): string | undefined {
  if (input.type === 'BOOLEAN') return undefined;
  const text = typeof value === 'string' ? value.trim() : String(value);
  if (text === '') return input.required ? `${input.title} is required.` : undefined;
  switch (input.type) {
    case 'NUMBER': {
      const number = Number(text);
      if (!Number.isFinite(number)) return `${input.title} must be a number.`;
      if (input.min !== undefined && number < input.min)
        return `${input.title} must be at least ${input.min}.`;
      if (input.max !== undefined && number > input.max)
        return `${input.title} must be at most ${input.max}.`;
      return undefined;
    }
    case 'EMAIL':
      return emailPattern.test(text)
        ? undefined
        : `${input.title} must be an email address, like name@example.com.`;
    case 'URL': {
      try {
        const url = new URL(text);
        if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
      } catch {
        // not a URL
      }
      return `${input.title} must be a web address starting with https:// or http://.`;
    }
    case 'ENUM':
    case 'CUSTOM_DROPDOWN':
      if (!options) return undefined;
      return options.some((option) => option.value === text)
        ? undefined
        : `Choose one of the options for ${input.title}.`;
    default:
      return undefined;
  }
}

export function validateSettings(
  inputs: ConnectInput[],
  values: FormValues,
  dropdowns: Record<string, DropdownOption[]> | undefined,
): FormErrors {
  const errors: FormErrors = {};
  for (const input of inputs) {
    const error = validateSetting(input, values[input.id] ?? '', optionsOf(input, dropdowns));
    if (error) errors[input.id] = error;
  }
  return errors;
}

/** The value to store: numbers as numbers, booleans as booleans, empty optional fields left out. */
export function fromFormValue(input: ConnectInput, value: FormValue): ConnectInputValue | undefined {
  if (input.type === 'BOOLEAN') return value === true;
  const text = typeof value === 'string' ? value : String(value);
  if (text.trim() === '') return undefined;
  if (input.type === 'NUMBER') return Number(text.trim());
  if (input.type === 'PASSWORD' || input.type === 'TEXTAREA') return text;
  return text.trim();
}

/**
 * The settings map after a save: stored values the form does not show are kept (an app may set them
 * through the API), shown ones are replaced, cleared ones removed.
 */
export function mergeSettings(
  inputs: ConnectInput[],
  values: FormValues,
  stored: Record<string, ConnectInputValue> | undefined,
): Record<string, ConnectInputValue> {
  const next: Record<string, ConnectInputValue> = { ...stored };
  for (const input of inputs) {
    const value = fromFormValue(input, values[input.id] ?? '');
    if (value === undefined) delete next[input.id];
    else next[input.id] = value;
  }
  return next;
}
