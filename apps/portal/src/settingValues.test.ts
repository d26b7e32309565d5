import type { ConnectInput } from '@switchboard/contracts';
import { describe, expect, test } from 'vitest';
import {
  fromFormValue,
  initialFormValues,
  mergeSettings,
  optionsOf,
  toFormValue,
  validateSetting,
  validateSettings,
} from './settingValues';

const input = (type: ConnectInput['type'], extra: Partial<ConnectInput> = {}): ConnectInput =>
  ({
    id: `f_${type.toLowerCase()}`,
    title: type[0] + type.slice(1).toLowerCase(),
    type,
    ...extra,
  }) as ConnectInput;

describe('validateSetting', () => {
  test('required', () => {
    expect(validateSetting(input('TEXT', { required: true }), '  ')).toBe('Text is required.');
    expect(validateSetting(input('TEXT'), '')).toBeUndefined();
    expect(validateSetting(input('BOOLEAN', { required: true }), false)).toBeUndefined();
  });

  test('numbers with bounds', () => {
    const number = input('NUMBER', { min: 1, max: 10 });
    expect(validateSetting(number, 'abc')).toBe('Number must be a number.');
    expect(validateSetting(number, '0')).toBe('Number must be at least 1.');
    expect(validateSetting(number, '11')).toBe('Number must be at most 10.');
    expect(validateSetting(number, '2.5')).toBeUndefined();
    expect(validateSetting(number, '')).toBeUndefined();
  });

  test('emails and URLs', () => {
    expect(validateSetting(input('EMAIL'), 'ada@example.com')).toBeUndefined();
    expect(validateSetting(input('EMAIL'), 'ada@')).toMatch(/must be an email address/);
    expect(validateSetting(input('URL'), 'https://example.com/x')).toBeUndefined();
    expect(validateSetting(input('URL'), 'example.com')).toMatch(/must be a web address/);
    expect(validateSetting(input('URL'), 'javascript:alert(1)')).toMatch(/must be a web address/);
  });

  test('enum and custom dropdown values must be among the options', () => {
    const choice = input('ENUM', { options: [{ label: 'Daily', value: 'daily' }] });
    expect(validateSetting(choice, 'daily', optionsOf(choice, undefined))).toBeUndefined();
    expect(validateSetting(choice, 'weekly', optionsOf(choice, undefined))).toBe(
      'Choose one of the options for Enum.',
    );
    const custom = input('CUSTOM_DROPDOWN', { dropdownKey: 'owners' });
    const dropdowns = { owners: [{ label: 'Ada', value: 'u1' }] };
    expect(optionsOf(custom, dropdowns)).toEqual(dropdowns.owners);
    expect(validateSetting(custom, 'u2', optionsOf(custom, dropdowns))).toMatch(/Choose one/);
    // Without options from the app the field is free text.
    expect(validateSetting(custom, 'anything', optionsOf(custom, undefined))).toBeUndefined();
  });

  test('validateSettings collects errors by input id', () => {
    const inputs = [input('TEXT', { required: true }), input('EMAIL')];
    expect(validateSettings(inputs, { f_text: '', f_email: 'x' }, undefined)).toEqual({
      f_text: 'Text is required.',
      f_email: 'Email must be an email address, like name@example.com.',
    });
  });
});

describe('form values', () => {
  test('stored values and defaults become form values', () => {
    expect(toFormValue(input('NUMBER'), 5)).toBe('5');
    expect(toFormValue(input('BOOLEAN'), true)).toBe(true);
    expect(toFormValue(input('BOOLEAN', { defaultValue: true }), undefined)).toBe(true);
    expect(toFormValue(input('TEXT', { defaultValue: 'hi' }), undefined)).toBe('hi');
    expect(toFormValue(input('TEXT'), { a: 1 })).toBe('{"a":1}');
    expect(initialFormValues([input('TEXT'), input('BOOLEAN')], { f_text: 'x' })).toEqual({
      f_text: 'x',
      f_boolean: false,
    });
  });

  test('form values are stored typed; empty optional fields are left out', () => {
    expect(fromFormValue(input('NUMBER'), ' 42 ')).toBe(42);
    expect(fromFormValue(input('BOOLEAN'), false)).toBe(false);
    expect(fromFormValue(input('TEXT'), '  hi ')).toBe('hi');
    expect(fromFormValue(input('PASSWORD'), ' secret ')).toBe(' secret ');
    expect(fromFormValue(input('TEXT'), '  ')).toBeUndefined();
  });

  test('mergeSettings keeps settings the form does not show and removes cleared ones', () => {
    const inputs = [input('TEXT'), input('NUMBER')];
    expect(mergeSettings(inputs, { f_text: '', f_number: '3' }, { f_text: 'old', fromApi: 'kept' })).toEqual({
      f_number: 3,
      fromApi: 'kept',
    });
  });
});
