import {
  type IntegrationDefinition,
  renderTemplate,
  switchboardOriginPlaceholder,
  templatePlaceholders,
} from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';
import { assertValidInputs } from './assertValidInputs';

/** Template values: the user's non-secret inputs plus `switchboardOrigin` (the server's own origin). */
export type TemplateValues = Readonly<Record<string, string>>;

/** Pre-OAuth inputs or API-key fields: the values placeholders may refer to. */
export function definitionInputs(definition: IntegrationDefinition) {
  return definition.auth.type === 'oauth2' ? definition.auth.inputs : definition.auth.fields;
}

/**
 * Renders a catalog URL template. Every value a placeholder uses is first checked against its input's
 * pattern, so a value cannot steer the URL to another host; a missing value is the user's missing
 * input. The result must be https (http too for local entries) without credentials.
 */
export function renderUrlTemplate(
  definition: IntegrationDefinition,
  template: string,
  templateValues: TemplateValues,
): URL {
  const inputs = definitionInputs(definition);
  for (const name of templatePlaceholders(template)) {
    if (templateValues[name] !== undefined) continue;
    if (name === switchboardOriginPlaceholder) {
      throw new Error(
        `"${definition.type}" is a local entry: pass templateValues.${name} (the server's origin)`,
      );
    }
    const input = inputs.find((candidate) => candidate.id === name);
    if (input) {
      throw new AppError('INSTALL_INPUT_INVALID', 400, `"${input.title}" (${input.id}) is required.`);
    }
    throw new Error(`No value for {{${name}}} in a URL of the "${definition.type}" catalog entry`);
  }
  assertValidInputs(
    inputs.filter((input) => !input.secret),
    templateValues,
    { requireAll: false },
  );
  const rendered = renderTemplate(template, templateValues);
  const url = URL.parse(rendered);
  // Local entries (served by Switchboard itself, like the sandbox) may use http:// URLs.
  const schemes = definition.local ? ['https:', 'http:'] : ['https:'];
  if (!url || !schemes.includes(url.protocol) || url.username !== '' || url.password !== '') {
    throw new Error(`A URL of the "${definition.type}" catalog entry did not render to a valid URL`);
  }
  return url;
}
