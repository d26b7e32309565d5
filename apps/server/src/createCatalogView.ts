import type { IntegrationDefinition, IntegrationInput } from '@switchboard/catalog';
import type { ConnectInput } from '@switchboard/contracts';
import type { CatalogEntryView, CatalogView } from './catalogView';

function connectInputOf(input: IntegrationInput): ConnectInput {
  return {
    id: input.id,
    title: input.title,
    type: input.secret ? 'PASSWORD' : 'TEXT',
    required: input.required,
    ...(input.subtitle ? { subtitle: input.subtitle } : {}),
    ...(input.placeholder ? { placeholder: input.placeholder } : {}),
  };
}

/** Projects catalog definitions onto what the server's routes need; built once at boot. */
export function createCatalogView(definitions: readonly IntegrationDefinition[]): CatalogView {
  const entries = new Map<string, CatalogEntryView>(
    definitions.map((def) => [
      def.type,
      {
        type: def.type,
        name: def.name,
        brandColor: def.brandColor,
        iconSvg: def.icon,
        description: def.description,
        overview: def.overview,
        authenticationType: def.auth.type === 'oauth2' ? 'oauth' : 'basic',
        needPreOauthInputs: def.auth.type === 'oauth2' && def.auth.inputs.length > 0,
        defaultScopes: def.auth.type === 'oauth2' ? [...def.auth.scopes] : [],
        installInputs: (def.auth.type === 'oauth2' ? def.auth.inputs : def.auth.fields).map(connectInputOf),
        postOauthInputs: def.auth.type === 'oauth2' ? def.auth.postInputs.map(connectInputOf) : [],
        accountTypes: (def.accountTypes ?? []).map((t) => ({ id: t.id, description: t.description })),
      },
    ]),
  );
  const sorted = [...entries.values()].sort((a, b) => a.type.localeCompare(b.type));
  return { get: (type) => entries.get(type), list: () => sorted };
}
