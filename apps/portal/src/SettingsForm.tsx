import type { ConnectInput, DropdownOption } from '@switchboard/contracts';
import { type FormEvent, type ReactNode, useState } from 'react';
import {
  type FormErrors,
  type FormValue,
  type FormValues,
  optionsOf,
  validateSetting,
  validateSettings,
} from './settingValues';

type FieldProps = {
  input: ConnectInput;
  value: FormValue;
  error: string | undefined;
  options: DropdownOption[] | undefined;
  /** DOM id of the control; hint and error ids derive from it. */
  id: string;
  testId: string;
  disabled: boolean;
  onChange(value: FormValue): void;
  onBlur(): void;
};

/** One User Setting: label, control for its type, hint (subtitle) and error, all wired for screen readers. */
export function SettingField({
  input,
  value,
  error,
  options,
  id,
  testId,
  disabled,
  onChange,
  onBlur,
}: FieldProps) {
  const missingOptions = input.type === 'CUSTOM_DROPDOWN' && !options;
  const hintId = input.subtitle || missingOptions ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: input.id,
    'data-testid': testId,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': input.required ? true : undefined,
    disabled,
    onBlur,
  } as const;
  const text = typeof value === 'string' ? value : '';
  let control: ReactNode;
  switch (input.type) {
    case 'BOOLEAN':
      control = (
        <input
          {...common}
          type="checkbox"
          role="switch"
          aria-checked={value === true}
          className="switch-input"
          checked={value === true}
          onChange={(event) => onChange(event.target.checked)}
        />
      );
      break;
    case 'TEXTAREA':
      control = (
        <textarea
          {...common}
          rows={4}
          value={text}
          placeholder={input.placeholder}
          onChange={(event) => onChange(event.target.value)}
        />
      );
      break;
    case 'ENUM':
    case 'CUSTOM_DROPDOWN':
      if (options) {
        control = (
          <select {...common} value={text} onChange={(event) => onChange(event.target.value)}>
            <option value="">{input.placeholder ?? 'Choose…'}</option>
            {options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        );
        break;
      }
      // A custom dropdown whose options the app did not pass: free text, said so in the hint.
      control = (
        <input {...common} type="text" value={text} onChange={(event) => onChange(event.target.value)} />
      );
      break;
    default: {
      const type =
        { NUMBER: 'number', EMAIL: 'email', URL: 'url', PASSWORD: 'password' }[input.type as string] ??
        'text';
      control = (
        <input
          {...common}
          type={type}
          value={text}
          placeholder={input.placeholder}
          autoComplete={input.type === 'PASSWORD' ? 'new-password' : 'off'}
          spellCheck={input.type === 'TEXT' ? undefined : false}
          {...(input.type === 'NUMBER'
            ? { inputMode: 'decimal' as const, step: 'any', min: input.min, max: input.max }
            : {})}
          onChange={(event) => onChange(event.target.value)}
        />
      );
    }
  }
  return (
    <div
      className={`field${input.type === 'BOOLEAN' ? ' field--switch' : ''}`}
      data-invalid={error ? 'true' : undefined}
    >
      <label htmlFor={id}>
        {input.title}
        {input.required ? <span className="field__required"> (required)</span> : null}
      </label>
      {control}
      {hintId ? (
        <p id={hintId} className="field__hint">
          {input.subtitle}
          {missingOptions ? ' The app did not provide options for this list; type a value.' : null}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field__error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A form of User Settings: validates all fields on submit (focusing the first invalid one), then each
 * field as it changes or loses focus, and hands valid values to `onSave`. The parent remounts it (key) when what it edits changes.
 */
export function SettingsForm(props: {
  inputs: ConnectInput[];
  initial: FormValues;
  dropdowns: Record<string, DropdownOption[]> | undefined;
  idPrefix: string;
  testIdPrefix: string;
  submitLabel: string;
  submitTestId: string;
  busy: boolean;
  onSave(values: FormValues): Promise<void> | void;
  children?: ReactNode;
}) {
  const [values, setValues] = useState<FormValues>(props.initial);
  const [errors, setErrors] = useState<FormErrors>({});
  const [submitted, setSubmitted] = useState(false);
  const fieldId = (input: ConnectInput) => `${props.idPrefix}-${input.id}`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    const found = validateSettings(props.inputs, values, props.dropdowns);
    setErrors(found);
    const firstInvalid = props.inputs.find((input) => found[input.id]);
    if (firstInvalid) {
      document.getElementById(fieldId(firstInvalid))?.focus();
      return;
    }
    void props.onSave(values);
  };

  return (
    <form className="settings-form" noValidate onSubmit={submit}>
      {props.inputs.map((input) => {
        const options = optionsOf(input, props.dropdowns);
        return (
          <SettingField
            key={input.id}
            input={input}
            value={values[input.id] ?? ''}
            error={errors[input.id]}
            options={options}
            id={fieldId(input)}
            testId={`${props.testIdPrefix}${input.id}`}
            disabled={props.busy}
            onChange={(value) => {
              setValues((current) => ({ ...current, [input.id]: value }));
              if (errors[input.id]) {
                setErrors((current) => {
                  const next = { ...current };
                  const error = validateSetting(input, value, options);
                  if (error) next[input.id] = error;
                  else delete next[input.id];
                  return next;
                });
              }
            }}
            onBlur={() => {
              // Errors first appear on submit: an error appearing on blur would move the Save button
              // under a pointer that is pressing it (mousedown blurs the field), and the click is lost.
              if (!submitted) return;
              const error = validateSetting(input, values[input.id] ?? '', options);
              setErrors((current) => {
                const next = { ...current };
                if (error) next[input.id] = error;
                else delete next[input.id];
                return next;
              });
            }}
          />
        );
      })}
      {props.children}
      <div className="form-actions">
        <button
          type="submit"
          className="button button--primary"
          data-testid={props.submitTestId}
          disabled={props.busy}
          aria-busy={props.busy || undefined}
        >
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}
